//! What the what-if analyses say: plans, where the futures start, shares, outcomes, and
//! the differences between plans with whether they are beyond noise.

use super::settings::Compared;
use crate::plan::PlanKind;
use crate::scenario::{Model, format_number};
use crate::session::Session;
use crate::sim::ensemble::Summary;
use crate::ui::text::with_unit;

pub use crate::report::words::{VERDICT_RULE, difference_text, verdict};

/// A plan in words, e.g. `hold course`.
pub fn plan_label(model: &Model, kind: &PlanKind) -> String {
    match kind {
        PlanKind::HoldCourse => "Hold course: this week's choices, then no new ones".into(),
        PlanKind::Repeat => "Repeat this week's choices every week".into(),
        PlanKind::Path(id) => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("From this week, do as “{name}”")
        }
        PlanKind::BranchAhead => "This branch's later weeks, as played".into(),
        PlanKind::Weekly => "My own plan, week by week".into(),
    }
}

/// Where the futures start, in words: `from week 4 (5 Feb 2013)`.
pub fn start_label(model: &Model, start_turn: usize) -> String {
    if start_turn == 0 {
        format!("from the first week ({})", model.date(0).human())
    } else {
        format!(
            "from week {} ({})",
            start_turn + 1,
            model.date(start_turn).human()
        )
    }
}

/// `34 %`, `under 1 %`, `over 99 %`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.5 {
        "under 1 %".into()
    } else if (99.5..100.0).contains(&p) {
        "over 99 %".into()
    } else {
        format!("{} %", format_number(p, 0))
    }
}

/// An outcome's value with its precision and unit.
pub fn outcome_value(model: &Model, outcome: usize, value: f64) -> String {
    let o = &model.scenario.outcomes[outcome];
    with_unit(format_number(value, o.precision as usize), &o.unit)
}

/// `median 150,000 people; in 8 of 10 futures between 140,000 and 160,000`.
pub fn outcome_spread_text(model: &Model, outcome: usize, s: &Summary) -> String {
    let o = &model.scenario.outcomes[outcome];
    let n = |v: f64| format_number(v, o.precision as usize);
    if n(s.min) == n(s.max) {
        format!("{} in every future", outcome_value(model, outcome, s.p50))
    } else if n(s.p10) == n(s.p90) {
        format!(
            "{} in 8 of 10 futures (all between {} and {})",
            outcome_value(model, outcome, s.p50),
            n(s.min),
            n(s.max)
        )
    } else {
        format!(
            "median {}; in 8 of 10 futures between {} and {}",
            outcome_value(model, outcome, s.p50),
            n(s.p10),
            n(s.p90)
        )
    }
}

/// A compared item's name.
pub fn compared_name(session: &Session, item: &Compared) -> String {
    let model = session.model();
    let over = session.cursor() >= model.turns();
    match item {
        Compared::Plan(PlanKind::HoldCourse) if over => "Your path as played".into(),
        Compared::Plan(PlanKind::Path(id)) if over => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("“{name}”")
        }
        Compared::Plan(PlanKind::HoldCourse) => "Hold course".into(),
        Compared::Plan(PlanKind::Repeat) => "Repeat this week's choices".into(),
        Compared::Plan(PlanKind::Path(id)) => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("“{name}” from this week")
        }
        Compared::Plan(PlanKind::BranchAhead) => "This branch's later weeks".into(),
        Compared::Plan(PlanKind::Weekly) => "My plan".into(),
        Compared::Branch(b) => session
            .branches()
            .get(*b)
            .map_or_else(|| "A branch".into(), |br| format!("Branch “{}”", br.name)),
    }
}

/// `150,000 (140,000 to 160,000)`: the median and the 10–90 % range.
pub fn range_text(model: &Model, outcome: usize, s: &Summary) -> String {
    let p = model.scenario.outcomes[outcome].precision as usize;
    format!(
        "{} ({} to {})",
        format_number(s.p50, p),
        format_number(s.p10, p),
        format_number(s.p90, p)
    )
}

/// A change of probability in percentage points: `+18 points`.
pub fn points_text(d: f64) -> String {
    let p = (d * 100.0).round();
    if p > 0.0 {
        format!("+{p} points")
    } else if p < 0.0 {
        format!("{p} points")
    } else {
        "no change".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_well_at_the_edges() {
        assert_eq!(percent(0.34), "34 %");
        assert_eq!(percent(0.001), "under 1 %");
        assert_eq!(percent(0.998), "over 99 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.0), "0 %");
    }

    #[test]
    fn differences_say_better_or_worse_only_when_clear() {
        let model = crate::scenario::default_model().unwrap();
        let refugees = model
            .scenario
            .outcomes
            .iter()
            .position(|o| o.id == "refugees_abroad")
            .unwrap();
        let fewer = Summary {
            min: -400.0,
            p5: -300.0,
            p50: -200.0,
            p95: -100.0,
            max: -50.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &fewer),
            "-200 (-300 to -100), better"
        );
        let unclear = Summary {
            min: -400.0,
            p5: -300.0,
            p50: 10.0,
            p95: 100.0,
            max: 200.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &unclear),
            "+10 (-300 to +100), about the same"
        );
        // Under the last digit shown, even in every future: about the same, not better.
        let tiny = Summary {
            min: 0.3,
            p5: 0.3,
            p50: 0.3,
            p95: 0.3,
            max: 0.3,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &tiny),
            "0 in every future, about the same"
        );
        assert_eq!(verdict(&model, refugees, &tiny), None);
        assert_eq!(verdict(&model, refugees, &fewer), Some(true));
        let cost = model
            .scenario
            .outcomes
            .iter()
            .position(|o| o.id == "cost")
            .unwrap();
        let always = Summary {
            min: 10.0,
            p5: 10.0,
            p50: 10.0,
            p95: 10.0,
            max: 10.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, cost, &always),
            "+10.0 in every future, worse"
        );
        assert_eq!(
            difference_text(&model, cost, &Summary::default()),
            "no change in any future"
        );
        assert_eq!(points_text(0.183), "+18 points");
        assert_eq!(points_text(-0.05), "-5 points");
    }
}
