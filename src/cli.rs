//! The command line: the same engine without a window.

mod balance;
mod output;
mod reports;
mod work;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};

use crate::files::atomic_write;
use crate::report::run::{csv, summary};
pub use crate::report::tables::ensemble_table;
use crate::report::words::signed;
use crate::scenario::{self, FileError, Model, format_number};
use crate::sim::analysis::{self, Comparison, Sensitivity, Statistic};
use crate::sim::ensemble::{
    Bands, Control, Ensemble, EnsembleError, Options, Plan, Start, run_ensemble,
};
use crate::sim::{self, Decisions};

/// Sandtable: play a crisis scenario week by week and explore what could have happened.
#[derive(Debug, Parser)]
#[command(name = "sandtable", version, about)]
pub struct Cli {
    /// A scenario (`*.ron`) or session (`*.session.ron`) to open in the app.
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario files; exit 1 if any has a problem.
    Check {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Play one run and print it turn by turn.
    Run(RunArgs),
    /// Describe a scenario: actors, stances, resources, choices, indicators.
    Info {
        #[command(flatten)]
        scenario: ScenarioArg,
    },
    /// Run many futures of a plan: the spread of each outcome and the chance of each goal.
    Ensemble(EnsembleArgs),
    /// Compare reference paths with common random numbers: outcomes and paired differences.
    Compare(CompareArgs),
    /// Which uncertain parameters move the outcomes most: a tornado table per outcome.
    Sensitivity(SensitivityArgs),
    /// Check a scenario's balance: the plans that meet the most goals, and defects such as
    /// dominant plans, dead choices and goals that cannot fail.
    Balance(balance::BalanceArgs),
    /// The report of sessions: decisions, reasons, outcomes against history and the futures.
    Report(reports::ReportArgs),
    /// The class debrief of many sessions: every path, how the class split, and why.
    Class(reports::ClassArgs),
    /// Write a small, documented scenario to start from (`NAME.ron`); see docs/authoring.md.
    New {
        /// The new file, e.g. `harbour-strike` (`.ron` is added when missing). An existing
        /// file is never replaced.
        name: PathBuf,
    },
}

/// Which scenario to use.
#[derive(Debug, Args)]
pub struct ScenarioArg {
    /// Scenario file, or a session file's embedded scenario (default: the embedded Mali
    /// 2013 scenario).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

impl ScenarioArg {
    pub fn load(&self) -> Result<Model> {
        match &self.scenario {
            Some(path) => reports::load_scenario_or_session(path),
            None => scenario::default_model().map_err(anyhow::Error::new),
        }
    }
}

/// The seed of the random generator.
#[derive(Debug, Args)]
pub struct SeedArg {
    /// Seed of the random generator: the same seed gives the same numbers, and run i of
    /// every plan uses the same random numbers.
    #[arg(long, default_value_t = crate::session::DEFAULT_SEED)]
    pub seed: u64,
}

/// How much simulation a command runs, and on how many threads.
#[derive(Debug, Args)]
pub struct WorkArgs {
    /// Number of simulated futures per plan, 1 to 100,000.
    #[arg(long, value_name = "N", default_value_t = sim::ensemble::DEFAULT_RUNS as u64,
          value_parser = clap::value_parser!(u64).range(1..=sim::ensemble::MAX_RUNS as u64))]
    pub runs: u64,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl WorkArgs {
    pub fn runs(&self) -> usize {
        self.runs as usize
    }

    pub fn threads(&self) -> usize {
        self.threads
            .map_or_else(sim::ensemble::default_threads, |t| t as usize)
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    #[command(flatten)]
    pub seed: SeedArg,
    /// A reference path of the scenario, e.g. `history`.
    #[arg(long, value_name = "NAME", conflicts_with = "decisions")]
    pub path: Option<String>,
    /// A RON file of decisions: `{ 0: ["choice_id"], 3: ["other_id"] }`.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Write the trajectory as CSV: one row per turn, a column per indicator and per
    /// actor's resource, position, salience and approval, and per issue's policy and
    /// pressure point.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also print the ledger: what moved every quantity each turn, cause by cause.
    #[arg(long)]
    pub ledger: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if let Some(message) = command_typo() {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    if cli.command.is_none()
        && let Some(message) = command_typo()
    {
        eprintln!("{message}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Some(command) => run_command(command),
        None => open_app(cli.file),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A file error renders itself in full, under its own `error:` heading.
            match e.downcast_ref::<FileError>() {
                Some(file) if e.chain().count() == 1 => eprint!("{file}"),
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

/// When the first argument is no file but is close to a command's name (`chek`), the
/// message suggesting it.
fn command_typo() -> Option<String> {
    use clap::CommandFactory;
    let first = std::env::args_os().nth(1)?.into_string().ok()?;
    if first.starts_with('-') || Path::new(&first).exists() {
        return None;
    }
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&first.as_str()) {
        return None;
    }
    let close = scenario::suggest(&first, names.iter().copied())?;
    Some(format!(
        "error: there is no command `{first}`; did you mean `{close}`?\n\n  sandtable {close} ...\n\nFor a list of commands, try `sandtable --help`."
    ))
}

fn open_app(file: Option<PathBuf>) -> Result<ExitCode> {
    crate::ui::run(file)?;
    Ok(ExitCode::SUCCESS)
}

fn run_command(command: Command) -> Result<ExitCode> {
    match command {
        Command::Check { files } => check(&files),
        Command::Run(args) => {
            run_cmd(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Info { scenario } => {
            let model = scenario.load()?;
            output::print(&info(&model))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ensemble(args) => {
            ensemble_cmd(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare(args) => {
            compare_cmd(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sensitivity(args) => {
            sensitivity_cmd(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Balance(args) => balance::balance_cmd(&args),
        Command::Report(args) => reports::report_cmd(&args).map(|()| ExitCode::SUCCESS),
        Command::Class(args) => reports::class_cmd(&args).map(|()| ExitCode::SUCCESS),
        Command::New { name } => {
            let path = new_scenario(&name)?;
            output::print_line(&format!(
                "wrote {}: check it with `sandtable check {0}`, play it with `sandtable {0}`",
                path.display()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut ok = true;
    for path in files {
        if path
            .to_string_lossy()
            .to_lowercase()
            .ends_with(".exercise.ron")
        {
            match crate::exercise::load_file(path) {
                Ok(loaded) => output::print_line(&crate::exercise::check_line(path, &loaded))?,
                Err(e) => {
                    ok = false;
                    eprint!("{e}");
                }
            }
            continue;
        }
        match scenario::load_file(path) {
            Ok(model) => {
                let s = &model.scenario;
                output::print_line(&format!(
                    "{}: ok ({} actors, {} issues, {} choices, {} indicators, {} turns)",
                    path.display(),
                    s.actors.len(),
                    s.issues.len(),
                    s.choices.len(),
                    s.indicators.len(),
                    s.clock.turns
                ))?;
            }
            Err(e) => {
                ok = false;
                eprint!("{e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The scenario `sandtable new` starts from.
pub const STARTER: &str = include_str!("../scenarios/starter.ron");

/// Writes a copy of the starter scenario to `name` (with `.ron` added when it has no
/// extension), its id made from the file's name. Refuses to replace an existing file.
pub fn new_scenario(name: &Path) -> Result<PathBuf> {
    let path = if name.extension().is_some() {
        name.to_path_buf()
    } else {
        name.with_extension("ron")
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert_str(0, "scenario_");
    }
    let text = STARTER.replacen("id: \"heatwave\"", &format!("id: \"{id}\""), 1);
    // `create_new` refuses an existing file (or link) atomically, so nothing is ever replaced.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| {
            let result = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all());
            if result.is_err() {
                let _ = std::fs::remove_file(&path);
            }
            result
        });
    written.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow!(
            "{} already exists; choose another name (nothing was written)",
            path.display()
        ),
        _ => anyhow!("cannot write {}: {e}", path.display()),
    })?;
    Ok(path)
}

/// Reads a decisions file: a map from turn to choice ids.
pub fn read_decisions(model: &Model, path: &Path) -> Result<Decisions> {
    let name = path.display().to_string();
    let text = scenario::load::read_text(path)?;
    #[derive(serde::Deserialize)]
    #[serde(transparent)]
    struct File(
        #[serde(deserialize_with = "scenario::model::unique_turns")] BTreeMap<u32, Vec<String>>,
    );
    let options = ron::Options::default().with_recursion_limit(scenario::MAX_NESTING);
    let File(map) = scenario::ron_errors::from_ron(&options, &name, &text)?;
    let mut decisions = vec![Vec::new(); model.turns()];
    for (turn, ids) in map {
        let slot = decisions.get_mut(turn as usize).ok_or_else(|| {
            anyhow!(
                "{name}: turn {turn} is past the last turn ({})",
                model.turns() - 1
            )
        })?;
        for id in ids {
            let c = model.choice_index(&id).ok_or_else(|| {
                let hint =
                    scenario::suggest(&id, model.scenario.choices.iter().map(|c| c.id.as_str()))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                anyhow!("{name}: turn {turn}: no choice has the id `{id}`{hint}")
            })?;
            slot.push(c);
        }
    }
    Ok(decisions)
}

fn run_cmd(args: &RunArgs) -> Result<()> {
    let model = args.scenario.load()?;
    let (label, decisions) = match (&args.path, &args.decisions) {
        (Some(name), _) => {
            let d = model.path_decisions(name).ok_or_else(|| {
                let known: Vec<&str> = model.scenario.paths.iter().map(|p| p.id.as_str()).collect();
                anyhow!(
                    "the scenario has no path `{name}`; its paths are: {}",
                    known.join(", ")
                )
            })?;
            (format!("path {name}"), d)
        }
        (None, Some(file)) => (
            format!("decisions from {}", file.display()),
            read_decisions(&model, file)?,
        ),
        (None, None) => ("no choices".to_string(), vec![Vec::new(); model.turns()]),
    };
    let overrides = crate::sim::Overrides::none(&model);
    let run = sim::run(&model, args.seed.seed, &overrides, &decisions).map_err(|(turn, _)| {
        refused(
            &model,
            args.seed.seed,
            &overrides,
            (&label, &decisions),
            turn,
        )
    })?;
    output::print(&summary(&model, &run, &label))?;
    if args.ledger {
        output::print(&format!(
            "\nLedger\n{}",
            crate::report::run::ledger(&model, &run)
        ))?;
    }
    if let Some(csv_path) = &args.csv {
        atomic_write(csv_path, csv(&model, &run).as_bytes())
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
    }
    Ok(())
}

/// Why the decisions of `turn` were refused (`label` says whose: a path, a decisions file):
/// every choice refused and each reason, found by playing the turns before again.
fn refused(
    model: &Model,
    seed: u64,
    overrides: &crate::sim::Overrides,
    (label, decisions): (&str, &[Vec<usize>]),
    turn: usize,
) -> anyhow::Error {
    let mut sim = sim::Sim::new(model, crate::sim::rng::RunKey::new(seed, 0), overrides);
    for choices in decisions.iter().take(turn) {
        if sim.step(choices).is_err() {
            break;
        }
    }
    let choices = decisions.get(turn).map_or(&[][..], Vec::as_slice);
    let name = |c: usize| {
        model.scenario.choices.get(c).map_or_else(
            || format!("choice {c}"),
            |spec| format!("{} ({})", spec.label, spec.id),
        )
    };
    let mut reasons: Vec<String> = choices
        .iter()
        .filter_map(|&c| sim.available(c).err().map(|r| format!("{}: {r}", name(c))))
        .collect();
    if reasons.is_empty()
        && let Err(r) = sim.check(choices)
    {
        let which = match &r {
            sim::Refusal::Conflict { first, second, .. } => {
                format!("{} with {}", name(*first), name(*second))
            }
            sim::Refusal::Repeated(c) => name(*c),
            _ => "together".to_string(),
        };
        reasons.push(format!("{which}: {r}"));
    }
    anyhow!(
        "{label}, {} ({}, `{turn}:` in the file): {} refused:\n  {}",
        model.turn_name(turn),
        model.date(turn),
        if reasons.len() == 1 {
            "a decision was"
        } else {
            "decisions were"
        },
        reasons.join("\n  ")
    )
}

/// A description of the scenario.
pub fn info(model: &Model) -> String {
    use std::fmt::Write as _;
    let s = &model.scenario;
    let unit = s.clock.unit();
    let turn = |t: u32| model.turn_name(t as usize).to_lowercase();
    let optional = |label: &str, text: &str| {
        if text.is_empty() {
            String::new()
        } else {
            format!(", {label} {text}")
        }
    };
    let mut out = format!("{} ({})\n{}\n", s.title, s.id, s.summary);
    let _ = writeln!(
        out,
        "\n{} turns of {} days ({}s), from {} to {}; the player is {}",
        s.clock.turns,
        s.clock.step_days,
        unit,
        s.clock.start,
        model.date(model.turns()),
        s.role
    );
    out.push_str("\nIssues (0 to 1)\n");
    for issue in &s.issues {
        let _ = writeln!(
            out,
            "  {}: {} (0 = {}, 1 = {}); the player's policy: {}",
            issue.id, issue.name, issue.low, issue.high, issue.policy
        );
    }
    out.push_str("\nActors\n");
    for actor in &s.actors {
        let _ = writeln!(
            out,
            "  {} ({}){}: {}",
            actor.name,
            actor.id,
            if actor.id == s.role {
                ", the player"
            } else {
                ""
            },
            actor.description
        );
        // Stances in the order of the issues, which is the file's order of the issues.
        for issue in &s.issues {
            if let Some(st) = actor.stances.get(&issue.id) {
                let _ = writeln!(
                    out,
                    "    stance on {}: position {:.2}, salience {:.2}",
                    issue.id, st.position, st.salience
                );
            }
        }
        for r in &actor.resources {
            let _ = writeln!(
                out,
                "    holds {} ({}.{}): {} {}, at least {}{}",
                r.name,
                actor.id,
                r.id,
                format_number(r.initial, 1),
                r.unit,
                format_number(r.min, 1),
                r.max
                    .map(|m| format!(", at most {}", format_number(m, 1)))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(out, "    capability: {}", actor.capability);
        for rule in &actor.rules {
            let _ = writeln!(out, "    rule {}", rule_text(rule));
        }
    }
    out.push_str("\nIndicators\n");
    for (i, ind) in s.indicators.iter().enumerate() {
        let bounds = match (ind.min, ind.max) {
            (Some(lo), Some(hi)) => format!(
                ", from {} to {}",
                format_number(lo, 2),
                format_number(hi, 2)
            ),
            (Some(lo), None) => format!(", at least {}", format_number(lo, 2)),
            (None, Some(hi)) => format!(", at most {}", format_number(hi, 2)),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}: {} = {} {}{bounds}",
            ind.id,
            ind.name,
            model.format_indicator(i, ind.initial),
            ind.unit
        );
    }
    if !s.parameters.is_empty() {
        out.push_str("\nUncertain parameters (drawn once per run)\n");
        for p in &s.parameters {
            use crate::scenario::model::Distribution as D;
            let dist = match p.dist {
                D::Fixed(v) => format!("fixed at {v}"),
                D::Uniform { low, high } => format!("uniform from {low} to {high}"),
                D::Normal { mean, sd } => format!("normal, mean {mean}, sd {sd}"),
                D::Triangular { low, mode, high } => {
                    format!("triangular from {low} to {high}, most likely {mode}")
                }
            };
            let _ = writeln!(out, "  {}: {}, {dist} {}", p.id, p.name, p.unit);
        }
    }
    out.push_str("\nChoices\n");
    for c in &s.choices {
        let cost: Vec<String> = c
            .cost
            .iter()
            .map(|(r, v)| format!("{r} {}", format_number(*v, 1)))
            .collect();
        let openers: Vec<&str> = s
            .events
            .iter()
            .filter(|e| e.opens.contains(&c.id))
            .map(|e| e.id.as_str())
            .collect();
        let window = match (c.from_turn, c.to_turn) {
            (0, None) => String::new(),
            (from, None) => format!(", from {}", turn(from)),
            (from, Some(to)) => format!(", {} to {}", turn(from), turn(to)),
        };
        let _ = writeln!(
            out,
            "  {} ({}){}{window}{}{}{}{}",
            c.label,
            c.id,
            optional("group", c.group.as_deref().unwrap_or("")),
            c.max_times
                .map(|m| format!(", at most {m} times"))
                .unwrap_or_default(),
            optional("only while", c.condition.as_deref().unwrap_or("")),
            optional("opened by", &openers.join(" or ")),
            optional("costs", &cost.join(", ")),
        );
        for e in &c.effects {
            let _ = writeln!(out, "    {}", effect_text(e, unit));
        }
    }
    if !s.dynamics.is_empty() {
        out.push_str("\nDynamics (every turn, all at once)\n");
        for rule in &s.dynamics {
            let _ = writeln!(out, "  {}", rule_text(rule));
        }
    }
    if !s.events.is_empty() {
        out.push_str("\nEvents\n");
        for e in &s.events {
            let _ = writeln!(
                out,
                "  {} ({}): when {}{}{}{}",
                e.title,
                e.id,
                e.condition,
                if e.probability == "1" {
                    String::new()
                } else {
                    format!(", with probability {}", e.probability)
                },
                if e.repeat { ", may repeat" } else { ", once" },
                optional("opens", &e.opens.join(", ")),
            );
            for effect in &e.effects {
                let _ = writeln!(out, "    {}", effect_text(effect, unit));
            }
        }
    }
    if !s.outcomes.is_empty() {
        out.push_str("\nOutcomes (on the final state)\n");
        for o in &s.outcomes {
            let _ = writeln!(
                out,
                "  {} ({}): {} {}, {} is better",
                o.name,
                o.id,
                o.value,
                o.unit,
                match o.better {
                    crate::scenario::model::Better::Higher => "higher",
                    crate::scenario::model::Better::Lower => "lower",
                }
            );
        }
    }
    if !s.goals.is_empty() {
        out.push_str("\nGoals (on the final state)\n");
        for g in &s.goals {
            let _ = writeln!(out, "  {} ({}): {}", g.name, g.id, g.condition);
        }
    }
    if !s.observations.is_empty() {
        out.push_str("\nObservations\n");
        for ind in &s.indicators {
            let dates: Vec<_> = s
                .observations
                .iter()
                .filter(|o| o.indicator == ind.id)
                .map(|o| o.date)
                .collect();
            if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
                let _ = writeln!(out, "  {}: {} from {first} to {last}", ind.id, dates.len());
            }
        }
    }
    if !s.paths.is_empty() {
        out.push_str("\nReference paths\n");
        for p in &s.paths {
            let weeks: Vec<String> = p
                .decisions
                .iter()
                .map(|(t, ids)| format!("{}: {}", turn(*t), ids.join(" + ")))
                .collect();
            let _ = writeln!(out, "  {} ({}): {}", p.name, p.id, weeks.join("; "));
        }
    }
    out
}

/// One rule, for people: `drain: water Multiply 0.9 when water > 2`.
fn rule_text(rule: &crate::scenario::model::Rule) -> String {
    let when = rule
        .when
        .as_deref()
        .map(|w| format!(" when {w}"))
        .unwrap_or_default();
    format!(
        "{}: {} {:?} {}{when}",
        rule.id, rule.target, rule.op, rule.value
    )
}

/// One effect, for people: `cooling Add 0.5 from the next week, for 3 weeks`.
fn effect_text(e: &crate::scenario::model::Effect, unit: &str) -> String {
    let when = match e.delay {
        0 => String::new(),
        1 => format!(" from the next {unit}"),
        d => format!(" after {d} {unit}s"),
    };
    let duration = match e.duration {
        1 => String::new(),
        d => format!(", for {d} {unit}s"),
    };
    format!("{} {:?} {}{when}{duration}", e.target, e.op, e.value)
}

// ---------------------------------------------------------------------------------------
// What-if analysis: ensemble, compare, sensitivity.

/// What every analysis command takes.
#[derive(Debug, Args)]
pub struct AnalysisArgs {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    #[command(flatten)]
    pub work: WorkArgs,
    #[command(flatten)]
    pub seed: SeedArg,
}

impl AnalysisArgs {
    fn options(&self, bands: Bands) -> Options {
        Options {
            runs: self.work.runs(),
            threads: self.work.threads(),
            bands,
            ledger: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct EnsembleArgs {
    #[command(flatten)]
    pub common: AnalysisArgs,
    /// The plan: a reference path of the scenario, e.g. `history` (default: no choices).
    #[arg(long, value_name = "NAME", conflicts_with = "decisions")]
    pub path: Option<String>,
    /// The plan as a RON file of decisions, as `run --decisions` takes it.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Write the bands of every indicator as CSV:
    /// `turn,indicator,p10,p25,p50,p75,p90,mean`.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print a JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub common: AnalysisArgs,
    /// Reference paths to compare; differences are against the first plan.
    #[arg(long = "path", value_name = "NAME")]
    pub paths: Vec<String>,
    /// Plans as RON files of decisions, as `run --decisions` takes them; compared after
    /// the paths, at least two plans in all.
    #[arg(long = "decisions", value_name = "FILE")]
    pub decisions: Vec<PathBuf>,
    /// The week the futures start from, 1 for the first: the weeks before it, which every
    /// plan must take alike, are played once with the seed and shared by every future.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub from_week: u64,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub common: AnalysisArgs,
    /// The plan: a reference path of the scenario (default: no choices).
    #[arg(long, value_name = "NAME")]
    pub path: Option<String>,
}

/// A reference path as a plan, or an error listing the scenario's paths.
fn path_plan(model: &Model, name: &str) -> Result<Plan> {
    Plan::path(model, name).ok_or_else(|| {
        let known: Vec<&str> = model.scenario.paths.iter().map(|p| p.id.as_str()).collect();
        anyhow!(
            "the scenario has no path `{name}`; its paths are: {}",
            if known.is_empty() {
                "(none)".to_string()
            } else {
                known.join(", ")
            }
        )
    })
}

/// Runs `work` with progress shown on stderr when it is a terminal.
fn with_progress<T: Send>(total: usize, work: impl FnOnce(&Control) -> T + Send) -> T {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicUsize, Ordering};
    if !std::io::stderr().is_terminal() {
        return work::by_tenths(total, |control| work(control));
    }
    let progress = AtomicUsize::new(0);
    let control = Control {
        progress: Some(&progress),
        cancel: None,
    };
    let mut shown = usize::MAX;
    let value = work::watch(
        std::time::Duration::from_millis(100),
        || work(&control),
        || {
            let now = progress.load(Ordering::Relaxed);
            if now != shown {
                eprint!(
                    "\r{} of {} runs",
                    format_number(now as f64, 0),
                    format_number(total as f64, 0)
                );
                shown = now;
            }
        },
    );
    if shown != usize::MAX {
        eprint!("\r{:40}\r", "");
    }
    value
}

fn ensemble_error(e: EnsembleError) -> anyhow::Error {
    anyhow!("{e}")
}

fn ensemble_cmd(args: &EnsembleArgs) -> Result<()> {
    let model = args.common.scenario.load()?;
    let (plan, label, name) = match (&args.path, &args.decisions) {
        (Some(name), _) => (
            path_plan(&model, name)?,
            format!("path {name}"),
            Some(name.clone()),
        ),
        (None, Some(file)) => (
            Plan::weekly(read_decisions(&model, file)?),
            format!("decisions from {}", file.display()),
            Some(file.display().to_string()),
        ),
        (None, None) => (Plan::hold_course(), "no choices".to_string(), None),
    };
    let overrides = crate::sim::Overrides::none(&model);
    let start = Start::beginning(&model, args.common.seed.seed, &overrides);
    let bands = if args.csv.is_some() {
        Bands::All
    } else {
        Bands::None
    };
    let options = args.common.options(bands);
    let banded = if args.csv.is_some() {
        model.scenario.indicators.len()
    } else {
        0
    };
    work::announce("ensemble", model.turns(), options.runs, 1, banded)?;
    let ensemble = with_progress(options.runs, |control| {
        run_ensemble(&start, &plan, &options, control)
    })
    .map_err(ensemble_error)?;
    if let Some(csv_path) = &args.csv {
        atomic_write(csv_path, bands_csv(&model, &ensemble).as_bytes())
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
    }
    let text = if args.json {
        ensemble_json(&model, &ensemble, name.as_deref())
    } else {
        ensemble_table(&model, &ensemble, &label)
    };
    output::print(&text)?;
    Ok(())
}

/// Bands of every indicator: `turn,indicator,p10,p25,p50,p75,p90,mean`, one row per turn
/// and indicator. Quantiles come from values stored as `f32` and are written as such.
pub fn bands_csv(model: &Model, ensemble: &Ensemble) -> String {
    let mut out = String::from("turn,indicator,p10,p25,p50,p75,p90,mean\n");
    for t in ensemble.start_turn..=ensemble.turns {
        for (i, ind) in model.scenario.indicators.iter().enumerate() {
            let Some(b) = ensemble.band(i, t) else {
                continue;
            };
            let q = |v: f64| (v as f32).to_string();
            out.push_str(&format!(
                "{t},{},{},{},{},{},{},{}\n",
                ind.id,
                q(b.p10),
                q(b.p25),
                q(b.p50),
                q(b.p75),
                q(b.p90),
                b.mean
            ));
        }
    }
    out
}

/// The ensemble as a JSON object: scenario, seed, runs, plan, start_turn,
/// dropped_choices, outcomes (id, name, unit, better, p5 … p95, mean, min, max) and goals
/// (id, name, probability). Numbers that are not finite are written as `null`.
pub fn ensemble_json(model: &Model, ensemble: &Ensemble, path: Option<&str>) -> String {
    use serde_json::json;
    let s = &model.scenario;
    let outcomes: Vec<serde_json::Value> = s
        .outcomes
        .iter()
        .zip(&ensemble.outcomes)
        .map(|(o, q)| {
            json!({
                "id": o.id,
                "name": o.name,
                "unit": o.unit,
                "better": match o.better {
                    scenario::Better::Higher => "higher",
                    scenario::Better::Lower => "lower",
                },
                "p5": q.p5,
                "p10": q.p10,
                "p25": q.p25,
                "p50": q.p50,
                "p75": q.p75,
                "p90": q.p90,
                "p95": q.p95,
                "mean": q.mean,
                "min": q.min,
                "max": q.max,
            })
        })
        .collect();
    let goals: Vec<serde_json::Value> = s
        .goals
        .iter()
        .zip(&ensemble.goals)
        .map(|(g, p)| json!({"id": g.id, "name": g.name, "probability": p}))
        .collect();
    let document = json!({
        "scenario": s.id,
        "seed": ensemble.seed,
        "runs": ensemble.runs,
        "plan": path,
        "start_turn": ensemble.start_turn,
        "dropped_choices": ensemble.dropped_choices,
        "outcomes": outcomes,
        "goals": goals,
        "all_goals": ensemble.all_goals(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn compare_cmd(args: &CompareArgs) -> Result<()> {
    let model = args.common.scenario.load()?;
    if args.paths.len() + args.decisions.len() < 2 {
        return Err(anyhow!(
            "compare needs at least two paths or decision files, e.g. `--path history --path no_help` or `--path history --decisions plan.ron`"
        ));
    }
    let mut plans = args
        .paths
        .iter()
        .map(|name| path_plan(&model, name))
        .collect::<Result<Vec<_>>>()?;
    let mut names = args.paths.clone();
    for file in &args.decisions {
        plans.push(Plan::weekly(read_decisions(&model, file)?));
        names.push(file.display().to_string());
    }
    let from = args.from_week as usize - 1;
    if from >= model.turns() {
        return Err(anyhow!(
            "--from-week {}: the scenario has {} weeks",
            args.from_week,
            model.turns()
        ));
    }
    let past = shared_past(&plans, &names, from)?;
    let overrides = crate::sim::Overrides::none(&model);
    let start = Start::after(&model, args.common.seed.seed, &overrides, &past).map_err(
        |(turn, refusal)| {
            anyhow!(
                "week {} of {} cannot be played: {refusal}",
                turn + 1,
                names[0]
            )
        },
    )?;
    let options = args.common.options(Bands::None);
    work::announce(
        "compare",
        model.turns() - from,
        options.runs,
        plans.len(),
        0,
    )?;
    let comparison = with_progress(options.runs * plans.len(), |control| {
        analysis::compare(&start, &plans, &options, control)
    })
    .map_err(ensemble_error)?;
    output::print(&comparison_table(&model, &comparison, &names))?;
    Ok(())
}

/// The weeks before turn `from` that every plan takes alike, played once before the
/// futures start; an error naming the first week where two plans part.
fn shared_past(plans: &[Plan], names: &[String], from: usize) -> Result<Decisions> {
    let first = &plans[0];
    for t in 0..from {
        if let Some(k) = plans.iter().position(|p| p.choices(t) != first.choices(t)) {
            return Err(anyhow!(
                "{} and {} part in week {}, before week {}: compare them from week {} or earlier",
                names[0],
                names[k],
                t + 1,
                from + 1,
                t + 1
            ));
        }
    }
    Ok((0..from).map(|t| first.choices(t).to_vec()).collect())
}

/// The outcome table of a comparison: each plan's median and 10–90 % range, and each
/// plan's paired difference from the first (median and 90 % interval, p5–p95).
pub fn comparison_table(model: &Model, comparison: &Comparison, names: &[String]) -> String {
    let s = &model.scenario;
    let Some(base) = comparison.ensembles.first() else {
        return String::new();
    };
    let mut out = format!(
        "{} — {} runs per plan from {}, seed {}, common random numbers\n",
        s.title,
        format_number(base.runs as f64, 0),
        model.date(base.start_turn),
        base.seed
    );
    let first = names.first().map_or("", String::as_str);
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    for (o, outcome) in s.outcomes.iter().enumerate() {
        let p = outcome.precision as usize;
        let f = |v: f64| format_number(v, p);
        let signed = |v: f64| signed(v, p);
        out.push_str(&format!(
            "\n{} ({})\n{:width$}{:>12}  {:>25}  {:>12}  {:>25}\n",
            outcome.name,
            outcome.unit,
            "",
            "median",
            "10–90 % range",
            format!("vs {first}"),
            "90 % interval"
        ));
        for (k, (ensemble, name)) in comparison.ensembles.iter().zip(names).enumerate() {
            let q = &ensemble.outcomes[o];
            let mut line = format!(
                "  {name:w$}{:>12}  {:>25}",
                f(q.p50),
                format!("{} to {}", f(q.p10), f(q.p90)),
                w = width - 2
            );
            if k > 0 {
                let d = &comparison.differences[k][o];
                line.push_str(&format!(
                    "  {:>12}  {:>25}",
                    signed(d.p50),
                    format!("{} to {}", signed(d.p5), signed(d.p95))
                ));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if !s.goals.is_empty() {
        let gw = s
            .goals
            .iter()
            .map(|g| g.name.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        out.push_str(&format!("\n{:gw$}", "Chance of each goal"));
        for name in names {
            out.push_str(&format!("  {name:>12}"));
        }
        out.push('\n');
        for (g, goal) in s.goals.iter().enumerate() {
            out.push_str(&format!("{:gw$}", goal.name));
            for (k, ensemble) in comparison.ensembles.iter().enumerate() {
                let mut cell = format!("{:.1} %", 100.0 * ensemble.goals[g]);
                if k > 0 {
                    let d = 100.0 * comparison.goal_differences[k][g];
                    cell = format!("{cell} ({d:+.1})");
                }
                out.push_str(&format!("  {cell:>12}"));
            }
            out.push('\n');
        }
    }
    for (ensemble, name) in comparison.ensembles.iter().zip(names) {
        if ensemble.dropped_choices > 0 {
            out.push_str(&format!(
                "\n{name}: {} planned choices could not be taken in some futures and were dropped.",
                format_number(ensemble.dropped_choices as f64, 0)
            ));
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn sensitivity_cmd(args: &SensitivityArgs) -> Result<()> {
    let model = args.common.scenario.load()?;
    let plan = match &args.path {
        Some(name) => path_plan(&model, name)?,
        None => Plan::hold_course(),
    };
    let overrides = crate::sim::Overrides::none(&model);
    let start = Start::beginning(&model, args.common.seed.seed, &overrides);
    let options = args.common.options(Bands::None);
    let total = analysis::sensitivity_runs(&model, options.runs);
    work::announce(
        "sensitivity",
        model.turns(),
        options.runs,
        total / options.runs,
        0,
    )?;
    let result = with_progress(total, |control| {
        analysis::sensitivity(&start, &plan, &options, control)
    })
    .map_err(ensemble_error)?;
    let label = args
        .path
        .as_ref()
        .map_or_else(|| "no choices".to_string(), |p| format!("path {p}"));
    output::print(&sensitivity_table(&model, &result, &label))?;
    Ok(())
}

/// A number with about four significant digits, for parameter values.
fn short_number(v: f64) -> String {
    let a = v.abs();
    let precision = if a >= 1000.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    format_number(v, precision)
}

/// One tornado table per outcome: each parameter at its p10 and p90 and the outcome's mean
/// at each, the largest swing first.
pub fn sensitivity_table(model: &Model, result: &Sensitivity, label: &str) -> String {
    let s = &model.scenario;
    let mut out = format!(
        "{} — {label}: each uncertain parameter at its 10th and 90th percentile, {} runs each, common random numbers\n",
        s.title,
        format_number(result.runs as f64, 0)
    );
    if result.parameters.is_empty() {
        out.push_str("\nThe scenario has no uncertain parameter.\n");
        return out;
    }
    let width = result
        .parameters
        .iter()
        .map(|p| s.parameters[p.parameter].name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    for (o, outcome) in s.outcomes.iter().enumerate() {
        let p = outcome.precision as usize + 1;
        out.push_str(&format!(
            "\n{} ({}): mean {} with every parameter drawn\n  {:width$}  {:>21}  {:>12}  {:>12}  {:>12}\n",
            outcome.name,
            outcome.unit,
            format_number(result.baseline[o].mean, p),
            "parameter",
            "low → high value",
            "mean at low",
            "at high",
            "swing"
        ));
        for bar in result.tornado(o, Statistic::Mean) {
            let swing = bar.swing();
            let swing_text = signed(swing, p);
            out.push_str(&format!(
                "  {:width$}  {:>21}  {:>12}  {:>12}  {:>12}\n",
                s.parameters[bar.parameter].name,
                format!(
                    "{} → {}",
                    short_number(bar.low_value),
                    short_number(bar.high_value)
                ),
                format_number(bar.at_low, p),
                format_number(bar.at_high, p),
                swing_text
            ));
        }
    }
    out
}
