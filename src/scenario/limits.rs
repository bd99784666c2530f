//! Every limit on what a scenario or session file may hold, and on the work one command may
//! ask for, in one place. Files come from other people (a colleague's scenario, a class's
//! hand-ins), so each limit is checked before anything grows with it, and each refusal says
//! which limit was reached and where. `scenarios/FORMAT.md` ("Limits") lists the same numbers.
//!
//! The limits are far above what a real scenario needs (the Mali scenario is 120 KiB with 28
//! indicators and 18 turns) and low enough that the largest file within all of them loads,
//! plays and runs an ensemble in well under 1 GB of memory.

use super::model::{Distribution, Scenario};
use super::spans::Path;

/// Largest scenario file read, in bytes (4 MiB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Largest session file read, in bytes: its embedded scenario and its branches (16 MiB).
pub const MAX_SESSION_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of brackets accepted in a file.
pub const MAX_NESTING: usize = 64;
/// Longest horizon, in turns.
pub const MAX_TURNS: u32 = 520;
/// Most actors in a scenario.
pub const MAX_ACTORS: usize = 100;
/// Most issues in a scenario.
pub const MAX_ISSUES: usize = 50;
/// Most resources of one actor.
pub const MAX_RESOURCES_PER_ACTOR: usize = 50;
/// Most indicators in a scenario.
pub const MAX_INDICATORS: usize = 500;
/// Most uncertain parameters in a scenario.
pub const MAX_PARAMETERS: usize = 200;
/// Most choices in a scenario.
pub const MAX_CHOICES: usize = 500;
/// Most events in a scenario.
pub const MAX_EVENTS: usize = 1000;
/// Most rules in a scenario: the dynamics and every actor's own rules together.
pub const MAX_RULES: usize = 2000;
/// Most effects of one choice or event.
pub const MAX_EFFECTS: usize = 100;
/// Most outcomes, and most goals, in a scenario.
pub const MAX_OUTCOMES: usize = 100;
/// Most sources, observations or reference paths of each kind in a scenario.
pub const MAX_LIST_ITEMS: usize = 10_000;
/// Longest expression, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// Deepest nesting of an expression (brackets, function calls, operators).
pub const MAX_EXPRESSION_DEPTH: usize = 48;
/// Longest id (`french_troops`), in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Longest name, label, title or unit, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest text (a description, the briefing, the notes, an event's text), in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Most branches in a session.
pub const MAX_BRANCHES: usize = 1000;
/// Longest session notes, in characters.
pub const MAX_NOTES_CHARS: usize = 100_000;
/// Most runs of one ensemble or of one plan in a comparison or sensitivity analysis.
pub const MAX_RUNS: usize = 100_000;
/// Most simulated weeks one command may play (runs × weeks over every plan and parameter
/// setting): about a minute of work on one core for a large scenario.
pub const MAX_RUN_WEEKS: u64 = 100_000_000;
/// Most values an ensemble may keep for its bands (runs × weeks × indicators, 4 bytes
/// each): 256 MiB.
pub const MAX_BAND_VALUES: u64 = 64 * 1024 * 1024;

/// One limit a scenario goes beyond: where, what, and how to stay within it.
#[derive(Debug, Clone, PartialEq)]
pub struct Excess {
    pub path: Path,
    pub message: String,
    pub hint: String,
}

/// Checks the numbers of things and the lengths of names and texts. Counts come first: when
/// any count is over its limit, the loader stops before building anything that grows with it.
pub fn check_counts(s: &Scenario) -> Vec<Excess> {
    let root = Path::root();
    let mut out = Vec::new();
    let mut count = |path: Path, what: &str, n: usize, max: usize| {
        if n > max {
            out.push(Excess {
                path,
                message: format!("{n} {what}; a scenario may have at most {max}"),
                hint: format!("split the scenario or merge some {what}"),
            });
        }
    };
    count(root.field("actors"), "actors", s.actors.len(), MAX_ACTORS);
    count(root.field("issues"), "issues", s.issues.len(), MAX_ISSUES);
    count(
        root.field("indicators"),
        "indicators",
        s.indicators.len(),
        MAX_INDICATORS,
    );
    count(
        root.field("parameters"),
        "parameters",
        s.parameters.len(),
        MAX_PARAMETERS,
    );
    count(
        root.field("choices"),
        "choices",
        s.choices.len(),
        MAX_CHOICES,
    );
    count(root.field("events"), "events", s.events.len(), MAX_EVENTS);
    let rules = s.dynamics.len() + s.actors.iter().map(|a| a.rules.len()).sum::<usize>();
    count(root.field("dynamics"), "rules", rules, MAX_RULES);
    count(
        root.field("outcomes"),
        "outcomes",
        s.outcomes.len(),
        MAX_OUTCOMES,
    );
    count(root.field("goals"), "goals", s.goals.len(), MAX_OUTCOMES);
    count(
        root.field("sources"),
        "sources",
        s.sources.len(),
        MAX_LIST_ITEMS,
    );
    count(
        root.field("observations"),
        "observations",
        s.observations.len(),
        MAX_LIST_ITEMS,
    );
    count(root.field("paths"), "paths", s.paths.len(), MAX_LIST_ITEMS);
    for (a, actor) in s.actors.iter().enumerate() {
        let path = root.field("actors").index(a).field("resources");
        count(
            path,
            "resources",
            actor.resources.len(),
            MAX_RESOURCES_PER_ACTOR,
        );
    }
    for (c, choice) in s.choices.iter().enumerate() {
        let path = root.field("choices").index(c).field("effects");
        count(path, "effects", choice.effects.len(), MAX_EFFECTS);
        let path = root.field("choices").index(c).field("cost");
        count(path, "costs", choice.cost.len(), MAX_RESOURCES_PER_ACTOR);
    }
    for (e, event) in s.events.iter().enumerate() {
        let path = root.field("events").index(e).field("effects");
        count(path, "effects", event.effects.len(), MAX_EFFECTS);
        let path = root.field("events").index(e).field("opens");
        count(path, "opened choices", event.opens.len(), MAX_CHOICES);
    }
    for (p, reference) in s.paths.iter().enumerate() {
        let path = root.field("paths").index(p).field("decisions");
        let weeks = MAX_TURNS as usize;
        count(
            path.clone(),
            "weeks of decisions",
            reference.decisions.len(),
            weeks,
        );
        for (turn, ids) in &reference.decisions {
            let path = path.key(turn.to_string());
            count(path, "choices in one week", ids.len(), MAX_CHOICES);
        }
    }
    out
}

/// Checks the length of every id, name and text.
pub fn check_lengths(s: &Scenario) -> Vec<Excess> {
    let mut check = Lengths { out: Vec::new() };
    let root = Path::root();
    check.id(root.field("id"), &s.id);
    check.name(root.field("title"), &s.title);
    check.text(root.field("summary"), &s.summary);
    check.text(root.field("briefing"), &s.briefing);
    check.text(root.field("notes"), &s.notes);
    check.id(root.field("role"), &s.role);
    for (i, author) in s.authors.iter().enumerate() {
        check.name(root.field("authors").index(i), author);
    }
    for (i, source) in s.sources.iter().enumerate() {
        let path = root.field("sources").index(i);
        check.id(path.field("id"), &source.id);
        check.text(path.field("title"), &source.title);
        check.name(path.field("publisher"), &source.publisher);
    }
    for (i, issue) in s.issues.iter().enumerate() {
        let path = root.field("issues").index(i);
        check.id(path.field("id"), &issue.id);
        check.name(path.field("name"), &issue.name);
        check.text(path.field("description"), &issue.description);
        check.name(path.field("low"), &issue.low);
        check.name(path.field("high"), &issue.high);
    }
    for (a, actor) in s.actors.iter().enumerate() {
        let path = root.field("actors").index(a);
        check.id(path.field("id"), &actor.id);
        check.name(path.field("name"), &actor.name);
        check.text(path.field("description"), &actor.description);
        for issue in actor.stances.keys() {
            check.id(path.field("stances").key(issue.clone()), issue);
        }
        for (r, resource) in actor.resources.iter().enumerate() {
            let path = path.field("resources").index(r);
            check.id(path.field("id"), &resource.id);
            check.name(path.field("name"), &resource.name);
            check.name(path.field("unit"), &resource.unit);
        }
        for (r, rule) in actor.rules.iter().enumerate() {
            let path = path.field("rules").index(r);
            check.id(path.field("id"), &rule.id);
            check.text(path.field("description"), &rule.description);
            check.id(path.field("target"), &rule.target);
        }
    }
    for (i, indicator) in s.indicators.iter().enumerate() {
        let path = root.field("indicators").index(i);
        check.id(path.field("id"), &indicator.id);
        check.name(path.field("name"), &indicator.name);
        check.name(path.field("unit"), &indicator.unit);
        check.text(path.field("description"), &indicator.description);
    }
    for (i, parameter) in s.parameters.iter().enumerate() {
        let path = root.field("parameters").index(i);
        check.id(path.field("id"), &parameter.id);
        check.name(path.field("name"), &parameter.name);
        check.name(path.field("unit"), &parameter.unit);
        check.text(path.field("description"), &parameter.description);
    }
    for (c, choice) in s.choices.iter().enumerate() {
        let path = root.field("choices").index(c);
        check.id(path.field("id"), &choice.id);
        check.name(path.field("label"), &choice.label);
        check.text(path.field("description"), &choice.description);
        if let Some(group) = &choice.group {
            check.id(path.field("group"), group);
        }
        check.text(path.field("unavailable"), &choice.unavailable);
        for resource in choice.cost.keys() {
            check.id(path.field("cost").key(resource.clone()), resource);
        }
        check.effects(&path, &choice.effects);
    }
    for (r, rule) in s.dynamics.iter().enumerate() {
        let path = root.field("dynamics").index(r);
        check.id(path.field("id"), &rule.id);
        check.text(path.field("description"), &rule.description);
        check.id(path.field("target"), &rule.target);
    }
    for (e, event) in s.events.iter().enumerate() {
        let path = root.field("events").index(e);
        check.id(path.field("id"), &event.id);
        check.name(path.field("title"), &event.title);
        check.text(path.field("text"), &event.text);
        check.effects(&path, &event.effects);
        for (i, id) in event.opens.iter().enumerate() {
            check.id(path.field("opens").index(i), id);
        }
    }
    for (o, outcome) in s.outcomes.iter().enumerate() {
        let path = root.field("outcomes").index(o);
        check.id(path.field("id"), &outcome.id);
        check.name(path.field("name"), &outcome.name);
        check.text(path.field("description"), &outcome.description);
        check.name(path.field("unit"), &outcome.unit);
    }
    for (g, goal) in s.goals.iter().enumerate() {
        let path = root.field("goals").index(g);
        check.id(path.field("id"), &goal.id);
        check.name(path.field("name"), &goal.name);
        check.text(path.field("description"), &goal.description);
    }
    for (i, observation) in s.observations.iter().enumerate() {
        let path = root.field("observations").index(i);
        check.id(path.field("indicator"), &observation.indicator);
        check.id(path.field("source"), &observation.source);
        check.text(path.field("note"), &observation.note);
    }
    for (p, reference) in s.paths.iter().enumerate() {
        let path = root.field("paths").index(p);
        check.id(path.field("id"), &reference.id);
        check.name(path.field("name"), &reference.name);
        check.text(path.field("description"), &reference.description);
        for (turn, ids) in &reference.decisions {
            for (i, id) in ids.iter().enumerate() {
                check.id(path.field("decisions").key(turn.to_string()).index(i), id);
            }
        }
    }
    check.out
}

struct Lengths {
    out: Vec<Excess>,
}

impl Lengths {
    fn limit(&mut self, path: Path, text: &str, max: usize, what: &str) {
        // Counting stops at the limit, so a huge text costs no more than a short one.
        if text.chars().nth(max).is_some() {
            self.out.push(Excess {
                path,
                message: format!(
                    "this {what} is {} characters long; the limit is {max}",
                    text.chars().count()
                ),
                hint: format!("shorten the {what}"),
            });
        }
    }

    fn id(&mut self, path: Path, text: &str) {
        self.limit(path, text, MAX_ID_CHARS, "id");
    }

    fn name(&mut self, path: Path, text: &str) {
        self.limit(path, text, MAX_NAME_CHARS, "name");
    }

    fn text(&mut self, path: Path, text: &str) {
        self.limit(path, text, MAX_TEXT_CHARS, "text");
    }

    fn effects(&mut self, path: &Path, effects: &[super::model::Effect]) {
        for (i, effect) in effects.iter().enumerate() {
            self.id(
                path.field("effects").index(i).field("target"),
                &effect.target,
            );
        }
    }
}

/// Every number of the scenario that is not finite (`NaN`, `inf`, or too large for a
/// 64-bit float), by its place in the file.
pub fn non_finite(s: &Scenario) -> Vec<(Path, f64)> {
    let root = Path::root();
    let mut out = Vec::new();
    let mut number = |path: Path, v: f64| {
        if !v.is_finite() {
            out.push((path, v));
        }
    };
    for (a, actor) in s.actors.iter().enumerate() {
        let path = root.field("actors").index(a);
        for (issue, stance) in &actor.stances {
            let p = path.field("stances").key(issue.clone());
            number(p.field("position"), stance.position);
            number(p.field("salience"), stance.salience);
        }
        for (r, resource) in actor.resources.iter().enumerate() {
            let p = path.field("resources").index(r);
            number(p.field("initial"), resource.initial);
            number(p.field("min"), resource.min);
            if let Some(max) = resource.max {
                number(p.field("max"), max);
            }
        }
    }
    for (i, indicator) in s.indicators.iter().enumerate() {
        let p = root.field("indicators").index(i);
        number(p.field("initial"), indicator.initial);
        if let Some(min) = indicator.min {
            number(p.field("min"), min);
        }
        if let Some(max) = indicator.max {
            number(p.field("max"), max);
        }
    }
    for (i, parameter) in s.parameters.iter().enumerate() {
        let p = root.field("parameters").index(i).field("dist");
        match parameter.dist {
            Distribution::Fixed(v) => number(p.index(0), v),
            Distribution::Uniform { low, high } => {
                number(p.field("low"), low);
                number(p.field("high"), high);
            }
            Distribution::Normal { mean, sd } => {
                number(p.field("mean"), mean);
                number(p.field("sd"), sd);
            }
            Distribution::Triangular { low, mode, high } => {
                number(p.field("low"), low);
                number(p.field("mode"), mode);
                number(p.field("high"), high);
            }
        }
    }
    for (c, choice) in s.choices.iter().enumerate() {
        for (resource, &amount) in &choice.cost {
            let p = root.field("choices").index(c).field("cost");
            number(p.key(resource.clone()), amount);
        }
    }
    for (i, observation) in s.observations.iter().enumerate() {
        number(
            root.field("observations").index(i).field("value"),
            observation.value,
        );
    }
    out
}

/// The work of one command that plays `runs` runs of `weeks` weeks for each of `settings`
/// plans or parameter settings, refused with the reason when it is over [`MAX_RUN_WEEKS`]
/// or the bands it keeps would be over [`MAX_BAND_VALUES`].
pub fn check_work(
    runs: usize,
    weeks: usize,
    settings: usize,
    banded_indicators: usize,
) -> Result<Work, String> {
    let run_weeks = (runs as u64)
        .saturating_mul(weeks.max(1) as u64)
        .saturating_mul(settings.max(1) as u64);
    if run_weeks > MAX_RUN_WEEKS {
        let most = MAX_RUN_WEEKS / (weeks.max(1) as u64).saturating_mul(settings.max(1) as u64);
        return Err(format!(
            "{runs} runs × {weeks} weeks × {settings} is {run_weeks} simulated weeks; one command \
             may play at most {MAX_RUN_WEEKS} (ask for at most {most} runs)"
        ));
    }
    let band_values = (runs as u64)
        .saturating_mul(weeks as u64 + 1)
        .saturating_mul(banded_indicators as u64);
    if band_values > MAX_BAND_VALUES {
        let most = MAX_BAND_VALUES / ((weeks as u64 + 1) * banded_indicators.max(1) as u64);
        return Err(format!(
            "the bands of {banded_indicators} indicators over {} weeks and {runs} runs would take \
             {} MiB; the limit is {} MiB (ask for at most {most} runs)",
            weeks + 1,
            band_values * 4 / (1024 * 1024),
            MAX_BAND_VALUES * 4 / (1024 * 1024)
        ));
    }
    Ok(Work {
        run_weeks,
        band_bytes: band_values * 4,
    })
}

/// The work a command will do, checked against the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Simulated weeks over every run.
    pub run_weeks: u64,
    /// Memory for the bands, in bytes.
    pub band_bytes: u64,
}
