//! The command line: the same engine without a window.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};

use crate::files::atomic_write;
use crate::scenario::{self, FileError, Model, format_number};
use crate::sim::{self, Decisions, Run};

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
}

/// Which scenario to use.
#[derive(Debug, Args)]
pub struct ScenarioArg {
    /// Scenario file (default: the embedded Mali 2013 scenario).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

impl ScenarioArg {
    pub fn load(&self) -> Result<Model> {
        match &self.scenario {
            Some(path) => scenario::load_file(path).map_err(file_error),
            None => scenario::default_model().map_err(file_error),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 2013)]
    pub seed: u64,
    /// A reference path of the scenario, e.g. `history`.
    #[arg(long, value_name = "NAME", conflicts_with = "decisions")]
    pub path: Option<String>,
    /// A RON file of decisions: `{ 0: ["choice_id"], 3: ["other_id"] }`.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Write the trajectory as CSV: one row per turn.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Renders a file error in full (source line underlined) for the terminal.
fn file_error(e: FileError) -> anyhow::Error {
    anyhow!("{e}")
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run_command(command),
        None => open_app(cli.file),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open_app(file: Option<PathBuf>) -> Result<ExitCode> {
    let _ = file;
    bail!("the desktop app is not built yet; try `sandtable run` or `sandtable --help`")
}

fn run_command(command: Command) -> Result<ExitCode> {
    match command {
        Command::Check { files } => Ok(check(&files)),
        Command::Run(args) => {
            run_cmd(&args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Info { scenario } => {
            let model = scenario.load()?;
            print!("{}", info(&model));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for path in files {
        match scenario::load_file(path) {
            Ok(model) => {
                let s = &model.scenario;
                println!(
                    "{}: ok ({} actors, {} issues, {} choices, {} indicators, {} turns)",
                    path.display(),
                    s.actors.len(),
                    s.issues.len(),
                    s.choices.len(),
                    s.indicators.len(),
                    s.clock.turns
                );
            }
            Err(e) => {
                ok = false;
                eprint!("{e}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads a decisions file: a map from turn to choice ids.
pub fn read_decisions(model: &Model, path: &Path) -> Result<Decisions> {
    let name = path.display().to_string();
    let text = scenario::load::read_text(path).map_err(file_error)?;
    let map: BTreeMap<u32, Vec<String>> = ron::Options::default()
        .with_recursion_limit(scenario::MAX_NESTING)
        .from_str(&text)
        .map_err(|e| file_error(scenario::load::ron_error(&name, &text, &e)))?;
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
    let overrides = vec![None; model.parameters.len()];
    let run = sim::run(&model, args.seed, &overrides, &decisions).map_err(|(turn, refusal)| {
        let date = model.date(turn);
        anyhow!("turn {turn} ({date}): the decisions were refused: {refusal}")
    })?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(summary(&model, &run, &label).as_bytes());
    if let Some(csv_path) = &args.csv {
        atomic_write(csv_path, csv(&model, &run).as_bytes())
            .with_context(|| format!("cannot write {}", csv_path.display()))?;
    }
    Ok(())
}

/// A readable turn-by-turn account of a run.
pub fn summary(model: &Model, run: &Run, label: &str) -> String {
    let s = &model.scenario;
    let layout = &model.layout;
    let mut out = format!("{} — {label}, seed {}\n", s.title, run.seed);
    let indicators_line = |state: &[f64]| {
        s.indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                format!(
                    "{} {}",
                    ind.id,
                    model.format_indicator(i, state[layout.indicator(i)])
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "Start {}: {}\n",
        model.date(0),
        indicators_line(&run.initial)
    ));
    for (t, turn) in run.turns.iter().enumerate() {
        out.push_str(&format!(
            "\nWeek {} ({} to {})\n",
            t + 1,
            model.date(t),
            model.date(t + 1)
        ));
        if turn.choices.is_empty() {
            out.push_str("  choices: none\n");
        }
        for &c in &turn.choices {
            out.push_str(&format!("  chose: {}\n", s.choices[c].label));
        }
        for fired in &turn.events {
            out.push_str(&format!(
                "  news: {}: {}\n",
                s.events[fired.event].title, fired.text
            ));
        }
        out.push_str(&format!("  {}\n", indicators_line(&turn.state)));
    }
    let last = run.last();
    if !s.outcomes.is_empty() {
        out.push_str("\nOutcomes\n");
        for (o, outcome) in s.outcomes.iter().enumerate() {
            let v = model.outcomes[o].eval(last, &mut crate::scenario::expr::NoDraws);
            out.push_str(&format!(
                "  {}: {} {}\n",
                outcome.name,
                format_number(v, outcome.precision as usize),
                outcome.unit
            ));
        }
    }
    if !s.goals.is_empty() {
        out.push_str("Goals\n");
        for (g, goal) in s.goals.iter().enumerate() {
            let met = model.goals[g].eval(last, &mut crate::scenario::expr::NoDraws) != 0.0;
            out.push_str(&format!(
                "  [{}] {}\n",
                if met { "met" } else { "missed" },
                goal.name
            ));
        }
    }
    for w in &run.warnings {
        out.push_str(&format!("warning (turn {}): {}\n", w.turn, w.message));
    }
    out
}

/// The trajectory as CSV: `turn,date,` every indicator, then every actor's approval.
pub fn csv(model: &Model, run: &Run) -> String {
    let s = &model.scenario;
    let layout = &model.layout;
    let mut out = String::from("turn,date");
    for ind in &s.indicators {
        out.push(',');
        out.push_str(&ind.id);
    }
    for actor in &s.actors {
        out.push_str(&format!(",{}.approval", actor.id));
    }
    out.push('\n');
    for t in 0..=run.turns.len() {
        let state = run.state(t);
        out.push_str(&format!("{t},{}", model.date(t)));
        for i in 0..s.indicators.len() {
            out.push_str(&format!(",{}", state[layout.indicator(i)]));
        }
        for a in 0..s.actors.len() {
            out.push_str(&format!(",{}", state[layout.approval(a)]));
        }
        out.push('\n');
    }
    out
}

/// A description of the scenario.
pub fn info(model: &Model) -> String {
    let s = &model.scenario;
    let mut out = format!("{}\n{}\n", s.title, s.summary);
    out.push_str(&format!(
        "\n{} turns of {} days from {}; the player is {}\n",
        s.clock.turns, s.clock.step_days, s.clock.start, s.role
    ));
    out.push_str("\nIssues\n");
    for issue in &s.issues {
        out.push_str(&format!(
            "  {}: {} (0 = {}, 1 = {})\n",
            issue.id, issue.name, issue.low, issue.high
        ));
    }
    out.push_str("\nActors\n");
    for actor in &s.actors {
        out.push_str(&format!(
            "  {} ({}): {}\n",
            actor.name, actor.id, actor.description
        ));
        for (issue, st) in &actor.stances {
            out.push_str(&format!(
                "    stance on {issue}: position {:.2}, salience {:.2}\n",
                st.position, st.salience
            ));
        }
        for r in &actor.resources {
            out.push_str(&format!(
                "    holds {}: {} {}\n",
                r.name,
                format_number(r.initial, 1),
                r.unit
            ));
        }
    }
    out.push_str("\nChoices\n");
    for c in &s.choices {
        let cost: Vec<String> = c
            .cost
            .iter()
            .map(|(r, v)| format!("{r} {}", format_number(*v, 1)))
            .collect();
        out.push_str(&format!(
            "  {} ({}){}{}\n",
            c.label,
            c.id,
            c.group
                .as_ref()
                .map(|g| format!(", group {g}"))
                .unwrap_or_default(),
            if cost.is_empty() {
                String::new()
            } else {
                format!(", costs {}", cost.join(", "))
            }
        ));
    }
    out.push_str("\nIndicators\n");
    for (i, ind) in s.indicators.iter().enumerate() {
        out.push_str(&format!(
            "  {}: {} = {} {}\n",
            ind.id,
            ind.name,
            model.format_indicator(i, ind.initial),
            ind.unit
        ));
    }
    if !s.parameters.is_empty() {
        out.push_str("\nUncertain parameters\n");
        for p in &s.parameters {
            out.push_str(&format!("  {}: {} ~ {:?}\n", p.id, p.name, p.dist));
        }
    }
    if !s.paths.is_empty() {
        out.push_str("\nReference paths\n");
        for p in &s.paths {
            out.push_str(&format!("  {}: {}\n", p.id, p.name));
        }
    }
    out
}
