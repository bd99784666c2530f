//! The player's plan for later weeks, kept in the session: saved and reopened, ticked when
//! its week comes, choices that cannot be taken then marked with their reason; and playing
//! on to the next week where something new can be decided.

use sandtable::session::{Command, CommandError, Session};
use sandtable::sim::Refusal;

use sandtable::scenario;

use crate::util::{TINY, mali, temp_dir, tiny};

fn idx(s: &Session, id: &str) -> usize {
    s.model()
        .choice_index(id)
        .unwrap_or_else(|| panic!("no choice `{id}`"))
}

fn plan(s: &mut Session, week: usize, choice: usize) {
    s.apply(Command::Plan { week, choice })
        .expect("a later week can be planned");
}

fn selection(s: &Session) -> Vec<usize> {
    s.selection().iter().copied().collect()
}

#[test]
fn a_plan_survives_saving_and_reopening() {
    let mut s = Session::new(mali());
    let aid = idx(&s, "humanitarian_aid");
    s.apply(Command::Commit).unwrap();
    plan(&mut s, 5, aid);
    plan(&mut s, 9, aid);
    let dir = temp_dir("plan-save");
    let path = dir.join("planned.session.ron");
    s.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("plan: {"), "{text}");
    let back = Session::load(&path).unwrap();
    assert_eq!(back.plan().choices(5), &[aid]);
    assert_eq!(back.plan().choices(9), &[aid]);
    assert!(back.plan().choices(6).is_empty());
    assert_eq!(back.branches(), s.branches());
    assert_eq!(back.to_ron(), s.to_ron());

    // A session without a plan writes no plan, and files written before plans load.
    let plain = Session::new(mali());
    let old = plain.to_ron();
    assert!(!old.contains("plan:"));
    let reopened = Session::from_ron("old.session.ron", &old).unwrap();
    assert!(reopened.plan().is_empty());

    // A plan naming a choice the scenario does not have is refused with its id.
    let broken = text.replacen("\"humanitarian_aid\"]", "\"fly_to_the_moon\"]", 1);
    assert_ne!(broken, text);
    let e = Session::from_ron("broken.session.ron", &broken).unwrap_err();
    assert!(e.short().contains("`fly_to_the_moon`"), "{}", e.short());
}

#[test]
fn a_branch_keeps_its_own_plan_and_a_new_branch_starts_with_its_parents() {
    let mut s = Session::new(tiny());
    let bags = idx(&s, "sandbags");
    let dikes = idx(&s, "raise_dikes");
    s.apply(Command::Commit).unwrap();
    s.apply(Command::Commit).unwrap();
    plan(&mut s, 3, bags);
    // Choosing differently at week 1 makes a branch with the same plan.
    s.apply(Command::GoTo(0)).unwrap();
    s.apply(Command::Select(vec![dikes])).unwrap();
    s.apply(Command::Commit).unwrap();
    assert_eq!(s.active(), 1);
    assert_eq!(s.plan().choices(3), &[bags]);
    s.apply(Command::ClearPlan).unwrap();
    assert!(s.plan().is_empty());
    s.apply(Command::SwitchBranch(0)).unwrap();
    assert_eq!(
        s.plan().choices(3),
        &[bags],
        "the first branch's plan is its own"
    );
    // Weeks played or being decided are not planned.
    assert_eq!(
        s.apply(Command::Plan {
            week: 2,
            choice: bags
        }),
        Err(CommandError::NotPlannable(2))
    );
    assert_eq!(
        s.apply(Command::Plan {
            week: s.model().turns(),
            choice: bags
        }),
        Err(CommandError::NotPlannable(4))
    );
}

#[test]
fn a_planned_week_is_ticked_when_it_comes_and_a_choice_it_cannot_take_says_why() {
    let mut s = Session::new(tiny());
    let bags = idx(&s, "sandbags");
    let evacuate = idx(&s, "evacuate");
    // The water rises from 2 m to under 3 m in week 1 and over 3 m in week 2; evacuating
    // needs more than 3 m.
    plan(&mut s, 1, evacuate);
    plan(&mut s, 1, bags);
    plan(&mut s, 2, evacuate);
    let too_low = "The water is not high enough to justify it.";
    match s.planned_availability(1, evacuate) {
        Some(Err(Refusal::Unavailable { reason, .. })) => assert_eq!(reason, too_low),
        other => panic!("evacuating in week 2 should be refused, not {other:?}"),
    }
    assert_eq!(s.planned_availability(2, evacuate), Some(&Ok(())));
    assert_eq!(s.planned_availability(1, bags), Some(&Ok(())));
    assert_eq!(
        s.planned_availability(0, bags),
        None,
        "the week being decided"
    );

    s.apply(Command::Commit).unwrap();
    assert_eq!(selection(&s), vec![bags], "what can be taken is ticked");
    assert!(s.availability(evacuate).is_err());
    assert_eq!(s.plan().choices(1), &[bags, evacuate], "the plan stays");
    s.apply(Command::Commit).unwrap();
    assert_eq!(selection(&s), vec![evacuate]);
    assert_eq!(s.active_branch().decisions, vec![vec![], vec![bags]]);

    // Looking back and coming to the week again ticks the plan again.
    s.apply(Command::GoTo(0)).unwrap();
    assert!(selection(&s).is_empty());
    s.apply(Command::GoTo(2)).unwrap();
    assert_eq!(selection(&s), vec![evacuate]);
}

#[test]
fn a_choice_planned_before_its_window_opens_is_marked_with_the_date() {
    let text = TINY.replace(
        "label: \"Ask the state for help\",",
        "label: \"Ask the state for help\", from_turn: 3,",
    );
    assert_ne!(text, TINY);
    let model = scenario::load_str("late.ron", &text).expect("the changed scenario loads");
    let opens = model.date(3).human();
    let mut s = Session::new(model);
    let help = idx(&s, "ask_help");
    plan(&mut s, 1, help);
    plan(&mut s, 3, help);
    match s.planned_availability(1, help) {
        Some(Err(refusal)) => {
            assert_eq!(
                refusal.to_string(),
                format!("Not before the week of {opens}.")
            )
        }
        other => panic!("asking for help in week 2 should be refused, not {other:?}"),
    }
    assert_eq!(s.planned_availability(3, help), Some(&Ok(())));
}

#[test]
fn playing_on_stops_where_something_new_can_be_decided() {
    let mut s = Session::new(tiny());
    let bags = idx(&s, "sandbags");
    let help = idx(&s, "ask_help");
    let evacuate = idx(&s, "evacuate");
    assert!(s.availability(help).is_err() && s.availability(evacuate).is_err());
    // The flood alarm of week 1 opens asking for help in week 2.
    s.apply(Command::PlayOn).unwrap();
    assert_eq!(s.cursor(), 1);
    assert!(s.availability(help).is_ok());
    // Week 3: the water is high enough to evacuate.
    s.apply(Command::PlayOn).unwrap();
    assert_eq!(s.cursor(), 2);
    assert!(s.availability(evacuate).is_ok());
    // Nothing new in week 4: on to the end, unless the plan has something then.
    let mut planned = s.clone();
    s.apply(Command::PlayOn).unwrap();
    assert_eq!(s.cursor(), 4);
    assert!(s.is_finished());
    assert_eq!(s.active_branch().decisions, vec![Vec::<usize>::new(); 4]);

    plan(&mut planned, 3, bags);
    planned.apply(Command::PlayOn).unwrap();
    assert_eq!(planned.cursor(), 3);
    assert_eq!(selection(&planned), vec![bags]);
    planned.apply(Command::PlayOn).unwrap();
    assert!(planned.is_finished());
    assert_eq!(planned.active_branch().decisions[3], vec![bags]);
    assert_eq!(
        planned.apply(Command::PlayOn),
        Err(CommandError::Refused(Refusal::Finished))
    );
}

#[test]
fn playing_on_through_the_mali_scenario_skips_only_weeks_with_nothing_new() {
    let mut s = Session::new(mali());
    let turns = s.model().turns();
    let open = |s: &Session| -> Vec<bool> {
        (0..s.model().choices.len())
            .map(|c| s.availability(c).is_ok())
            .collect()
    };
    let mut presses = 0;
    while !s.is_finished() {
        let from = s.cursor();
        s.apply(Command::PlayOn).unwrap();
        presses += 1;
        assert!(s.cursor() > from);
        if s.is_finished() {
            break;
        }
        // The week reached has a choice that the week before it did not have.
        let mut before = s.clone();
        before.apply(Command::GoTo(s.cursor() - 1)).unwrap();
        let (was, now) = (open(&before), open(&s));
        assert!(
            was.iter().zip(&now).any(|(&was, &now)| now && !was),
            "week {} has nothing new to decide",
            s.cursor() + 1
        );
    }
    assert!(presses < turns, "{presses} presses for {turns} weeks");
    assert!(s.active_branch().decisions.iter().all(Vec::is_empty));
}

/// In the app: a week planned on the timeline is ticked when it comes, Play on stops
/// there, Ctrl+Enter plays on too, and what was played is said above the tabs.
#[test]
fn the_app_ticks_a_planned_week_and_plays_on_to_it() {
    use eframe::egui;
    use egui_kittest::kittest::{NodeT, Queryable};
    use sandtable::ui::choices::PLAY_ON;

    use crate::util::gui::{app, click, label_of, shows};

    let mut harness = app(Session::new(mali()));
    click(&mut harness, "Begin");
    let session = harness.state().session().clone();
    let aid = idx(&session, "humanitarian_aid");
    let aid_label = label_of(&session, "humanitarian_aid");
    click(&mut harness, "Week 4");
    click(&mut harness, &format!("Week 4: plan “{aid_label}”"));
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(harness.state().session().plan().choices(3), &[aid]);

    click(&mut harness, "Commit week");
    assert!(shows(&harness, "Week 1 played"));
    assert!(shows(&harness, "Now deciding week 2."));
    // Play on, by button or by Ctrl+Enter, never goes past the planned week.
    click(&mut harness, PLAY_ON);
    let after_button = harness.state().session().cursor();
    assert!(
        (2..=3).contains(&after_button),
        "at week {}",
        after_button + 1
    );
    while harness.state().session().cursor() < 3 {
        let before = harness.state().session().cursor();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
        harness.run();
        assert!(
            harness.state().session().cursor() > before,
            "Ctrl+Enter plays on"
        );
    }
    let s = harness.state().session();
    assert_eq!(s.cursor(), 3);
    assert!(s.selection().contains(&aid), "the plan is ticked in week 4");
    assert!(shows(&harness, "Ticked from your plan for this week."));
    assert!(shows(&harness, "Now deciding week 4."));
    // A screen reader gets each choice's cost, and why a choice cannot be taken, from the
    // choice itself.
    let spoken = |harness: &egui_kittest::Harness<'_, _>, label: &str| {
        harness
            .get_by_label(label)
            .accesskit_node()
            .description()
            .unwrap_or_default()
    };
    let cost = sandtable::ui::text::cost_text(s.model(), aid);
    assert_eq!(spoken(&harness, &aid_label), format!("Cost: {cost}."));
    let blocked = (0..s.model().choices.len())
        .find(|&c| s.availability(c).is_err())
        .expect("some choice cannot be taken in week 4");
    let reason = s.availability(blocked).clone().unwrap_err().to_string();
    let label = s.model().scenario.choices[blocked].label.clone();
    let description = spoken(&harness, &label);
    assert!(
        description.ends_with(&format!("Not possible now: {reason}")),
        "{description}"
    );
}

/// Zoom is listed in the F1 help.
#[test]
fn the_help_lists_zoom() {
    use eframe::egui;

    use crate::util::gui::{app, shows};

    let mut harness = app(Session::new(mali()));
    harness.key_press(egui::Key::F1);
    harness.run();
    assert!(shows(&harness, "Ctrl+Plus / Ctrl+Minus / Ctrl+0"));
    assert!(shows(&harness, "each start is at 100 %"));
}
