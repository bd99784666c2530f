//! Plans of choices for the weeks ahead: the player's own plan, kept per branch in the
//! session ([`WeeklyPlan`]); the plans the what-if analyses follow ([`PlanKind`],
//! [`plan_weeks`]); and what a plan meets when it is played in the session's own future
//! ([`Outlook`]): which planned choices can be taken at their week and, if not, why.
//!
//! A run is a pure function of its seed and decisions, so the session's future under a
//! plan is known exactly: a choice the outlook says cannot be taken in week 10 cannot be
//! taken then if the player follows the plan until that week.

use crate::scenario::Model;
use crate::sim::{Decisions, Overrides, Refusal, Sim, rng::RunKey};

/// The player's own plan: the choices planned for each week, by the scenario's turn index.
/// A week holds at most one choice of each group, as when playing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeeklyPlan {
    weeks: Decisions,
}

impl WeeklyPlan {
    /// The choices planned for `week` (none for a week the plan does not cover).
    pub fn choices(&self, week: usize) -> &[usize] {
        self.weeks.get(week).map_or(&[], Vec::as_slice)
    }

    /// Whether nothing is planned in any week.
    pub fn is_empty(&self) -> bool {
        self.weeks.iter().all(Vec::is_empty)
    }

    /// The weeks from `from` on with something planned, in order.
    pub fn planned_from(&self, from: usize) -> impl Iterator<Item = (usize, &[usize])> {
        self.weeks
            .iter()
            .enumerate()
            .skip(from)
            .filter(|(_, w)| !w.is_empty())
            .map(|(t, w)| (t, w.as_slice()))
    }

    /// Plans `choice` in `week`, or takes it out if it is planned there. Planning a choice
    /// takes out any other of its group that week. Returns whether the week and the choice
    /// exist in `model`.
    pub fn toggle(&mut self, model: &Model, week: usize, choice: usize) -> bool {
        if week >= model.turns() || choice >= model.choices.len() {
            return false;
        }
        if self.weeks.len() <= week {
            self.weeks.resize(week + 1, Vec::new());
        }
        let planned = &mut self.weeks[week];
        if let Some(k) = planned.iter().position(|&c| c == choice) {
            planned.remove(k);
        } else {
            planned.retain(|&c| !same_group(model, c, choice));
            planned.push(choice);
            planned.sort_unstable();
        }
        true
    }

    /// Sets a week's choices as they are (from a file); the caller checks them.
    pub fn set(&mut self, week: usize, mut choices: Vec<usize>) {
        if self.weeks.len() <= week {
            self.weeks.resize(week + 1, Vec::new());
        }
        choices.sort_unstable();
        choices.dedup();
        self.weeks[week] = choices;
    }

    /// Takes every choice out of one week.
    pub fn clear_week(&mut self, week: usize) {
        if let Some(planned) = self.weeks.get_mut(week) {
            planned.clear();
        }
    }

    /// Takes every choice out of every week.
    pub fn clear(&mut self) {
        self.weeks.clear();
    }
}

/// Whether two choices belong to one group of the scenario, so that a week takes at most
/// one of them: taking one, in the session's selection as in a planned week, takes the
/// other out. A choice of no group shares it with none.
pub fn same_group(model: &Model, a: usize, b: usize) -> bool {
    let group = |c: usize| model.choices.get(c).and_then(|choice| choice.group);
    group(a).is_some() && group(a) == group(b)
}

/// The weeks that every plan of `plans` (each every week's choices from the first) has in
/// common, from the first week up to `before` at most: the past they can share when they
/// are simulated in the same futures. A week a plan does not cover counts as no choices.
pub fn shared_past(plans: &[Decisions], before: usize) -> Decisions {
    let week = |w: &Decisions, t: usize| w.get(t).cloned().unwrap_or_default();
    let Some(first) = plans.first() else {
        return Vec::new();
    };
    (0..before)
        .map(|t| week(first, t))
        .enumerate()
        .take_while(|(t, choices)| plans.iter().all(|w| week(w, *t) == *choices))
        .map(|(_, choices)| choices)
        .collect()
}

/// What the player does in the weeks after the one being decided, for the analyses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanKind {
    /// This week's selection, then no new choices.
    HoldCourse,
    /// This week's selection, every week to the end.
    Repeat,
    /// A reference path of the scenario (by id), from this week on.
    Path(String),
    /// The active branch's later weeks as played (when looking back at a week).
    BranchAhead,
    /// The player's own plan, week by week ([`WeeklyPlan`]).
    Weekly,
}

/// Where a plan starts: the branch's weeks played, the week being decided and what is
/// selected for it.
#[derive(Debug, Clone, Copy)]
pub struct PlanStart<'a> {
    pub played: &'a Decisions,
    pub cursor: usize,
    pub selection: &'a [usize],
}

/// The choices of every week under a plan, from the scenario's first week: the weeks
/// before the one being decided as played, then the plan.
pub fn plan_weeks(
    model: &Model,
    start: PlanStart<'_>,
    kind: &PlanKind,
    weekly: &WeeklyPlan,
) -> Decisions {
    let turns = model.turns();
    let PlanStart {
        played,
        cursor,
        selection,
    } = start;
    let mut weeks: Decisions = played[..cursor.min(played.len())].to_vec();
    if cursor >= turns {
        // The scenario is over: a reference path is its own from the first week, every
        // other plan is the path played.
        if let PlanKind::Path(id) = kind {
            return model.path_decisions(id).unwrap_or_default();
        }
        return weeks;
    }
    let selection = selection.to_vec();
    match kind {
        PlanKind::HoldCourse => weeks.push(selection),
        PlanKind::Repeat => weeks.extend(std::iter::repeat_n(selection, turns - cursor)),
        PlanKind::Path(id) => {
            let path = model.path_decisions(id).unwrap_or_default();
            weeks.extend((cursor..turns).map(|t| path.get(t).cloned().unwrap_or_default()));
        }
        PlanKind::BranchAhead => {
            weeks.push(selection);
            weeks.extend(played.iter().skip(cursor + 1).cloned());
        }
        PlanKind::Weekly => {
            weeks.push(selection);
            weeks.extend((cursor + 1..turns).map(|t| weekly.choices(t).to_vec()));
        }
    }
    weeks
}

/// Whether each choice can be taken in each week ahead if the player follows a plan, in
/// the session's own future (its seed and parameters).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outlook {
    /// The first week looked at.
    from: usize,
    /// Per week from `from`, per choice.
    weeks: Vec<Vec<Result<(), Refusal>>>,
}

impl Outlook {
    /// Plays `weeks` (every week's choices from the first; those that cannot be taken are
    /// left out, as in an ensemble) and notes each choice's availability at every week from
    /// `from` to the end. A run that stops early leaves the later weeks unknown.
    pub fn new(
        model: &Model,
        seed: u64,
        overrides: &Overrides,
        weeks: &Decisions,
        from: usize,
    ) -> Self {
        let mut sim = Sim::new(model, RunKey::new(seed, 0), overrides);
        let mut out = Vec::new();
        for t in 0..model.turns() {
            if t >= from {
                out.push((0..model.choices.len()).map(|c| sim.available(c)).collect());
            }
            let choices = weeks.get(t).map_or(&[][..], Vec::as_slice);
            if sim.step_lenient(choices).is_err() {
                break;
            }
        }
        Self { from, weeks: out }
    }

    /// Whether `choice` can be taken at `week` on the plan; `None` if not known (a week
    /// before the outlook's first, or past the end).
    pub fn availability(&self, week: usize, choice: usize) -> Option<&Result<(), Refusal>> {
        self.weeks.get(week.checked_sub(self.from)?)?.get(choice)
    }

    /// The planned choices of `week` that cannot be taken then, with the reason.
    pub fn blocked<'a>(
        &'a self,
        week: usize,
        planned: &'a [usize],
    ) -> impl Iterator<Item = (usize, &'a Refusal)> + 'a {
        planned
            .iter()
            .filter_map(move |&c| match self.availability(week, c) {
                Some(Err(refusal)) => Some((c, refusal)),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        crate::scenario::load_str("tiny.ron", include_str!("../tests/data/tiny.ron"))
            .expect("tiny scenario loads")
    }

    #[test]
    fn a_planned_week_holds_one_choice_of_a_group() {
        let model = tiny();
        let dikes = model.choice_index("raise_dikes").unwrap();
        let bags = model.choice_index("sandbags").unwrap();
        let mut plan = WeeklyPlan::default();
        assert!(plan.toggle(&model, 2, dikes));
        assert!(plan.toggle(&model, 2, bags));
        assert_eq!(plan.choices(2), &[bags]);
        assert!(plan.toggle(&model, 2, bags));
        assert!(plan.choices(2).is_empty() && plan.is_empty());
        assert!(!plan.toggle(&model, model.turns(), bags), "no such week");
        assert!(
            !plan.toggle(&model, 0, model.choices.len()),
            "no such choice"
        );
        plan.toggle(&model, 3, bags);
        assert_eq!(
            plan.planned_from(0).collect::<Vec<_>>(),
            vec![(3, &[bags][..])]
        );
        assert_eq!(plan.planned_from(4).count(), 0);
    }

    #[test]
    fn plans_keep_the_weeks_played_and_differ_after_this_week() {
        let model = tiny();
        let bags = model.choice_index("sandbags").unwrap();
        let dikes = model.choice_index("raise_dikes").unwrap();
        let played = vec![vec![dikes]];
        let start = PlanStart {
            played: &played,
            cursor: 1,
            selection: &[bags],
        };
        let turns = model.turns();
        let mut weekly = WeeklyPlan::default();
        weekly.toggle(&model, 3, dikes);
        let hold = plan_weeks(&model, start, &PlanKind::HoldCourse, &weekly);
        assert_eq!(hold, vec![vec![dikes], vec![bags]]);
        let repeat = plan_weeks(&model, start, &PlanKind::Repeat, &weekly);
        assert_eq!(repeat.len(), turns);
        assert!(repeat[1..].iter().all(|w| *w == vec![bags]));
        let mine = plan_weeks(&model, start, &PlanKind::Weekly, &weekly);
        assert_eq!(mine.len(), turns);
        assert_eq!(
            (&mine[1], &mine[2], &mine[3]),
            (&vec![bags], &vec![], &vec![dikes])
        );
    }

    #[test]
    fn the_outlook_says_why_a_planned_choice_cannot_be_taken() {
        let model = tiny();
        let evacuate = model.choice_index("evacuate").unwrap();
        let help = model.choice_index("ask_help").unwrap();
        let none = Overrides::none(&model);
        let outlook = Outlook::new(&model, 1, &none, &vec![], 0);
        // Asking for help is opened by the flood alarm, which fires at the end of week 1.
        let planned = [help, evacuate];
        let blocked: Vec<_> = outlook.blocked(0, &planned).collect();
        assert_eq!(blocked.len(), 2);
        assert_eq!(blocked[0].0, help);
        assert_eq!(blocked[0].1.to_string(), "Not on the table yet.");
        assert_eq!(
            blocked[1].1.to_string(),
            "The water is not high enough to justify it."
        );
        assert_eq!(outlook.availability(1, help), Some(&Ok(())));
        let later = Outlook::new(&model, 1, &none, &vec![], 2);
        assert_eq!(later.availability(1, help), None, "before the outlook");
        assert_eq!(later.availability(2, help), Some(&Ok(())));
        assert_eq!(
            outlook.availability(model.turns(), help),
            None,
            "past the end"
        );
    }

    #[test]
    fn plans_share_the_weeks_until_the_first_that_differs() {
        let a = vec![vec![1], vec![], vec![2], vec![3]];
        let b = vec![vec![1], vec![], vec![4], vec![3]];
        let short = vec![vec![1]];
        assert_eq!(
            shared_past(&[a.clone(), b.clone()], 4),
            vec![vec![1], vec![]]
        );
        assert_eq!(shared_past(&[a.clone(), b], 1), vec![vec![1]]);
        assert_eq!(shared_past(std::slice::from_ref(&a), 3), a[..3].to_vec());
        // A week a plan does not cover has no choices.
        assert_eq!(shared_past(&[a.clone(), short], 4), vec![vec![1], vec![]]);
        assert_eq!(shared_past(&[a, vec![]], 4), Vec::<Vec<usize>>::new());
        assert!(shared_past(&[], 4).is_empty());
    }

    #[test]
    fn choices_of_one_group_exclude_each_other() {
        let model = tiny();
        let dikes = model.choice_index("raise_dikes").unwrap();
        let bags = model.choice_index("sandbags").unwrap();
        let help = model.choice_index("ask_help").unwrap();
        assert!(same_group(&model, dikes, bags));
        assert!(same_group(&model, bags, bags));
        assert_eq!(model.choices[help].group, None);
        assert!(!same_group(&model, help, help), "no group, no rival");
        assert!(!same_group(&model, help, bags));
        assert!(!same_group(&model, bags, model.choices.len()));
    }
}
