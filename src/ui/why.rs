//! The Why tab: for the week just played, which rule, choice or event moved each quantity
//! and by how much (the engine's ledger), largest first.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::text::{amount, cause_label, signed, slot_label, slot_precision, slot_unit};
use crate::scenario::{Model, SlotKind, format_number};
use crate::session::Session;
use crate::sim::{Cause, LedgerEntry};

/// One quantity's changes in a week.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotChanges {
    pub slot: usize,
    pub before: f64,
    pub after: f64,
    /// Causes with their summed change, largest first.
    pub causes: Vec<(Cause, f64)>,
}

/// Groups a week's ledger by quantity (indicators first, then resources, then stances)
/// and each quantity's causes by size, largest first.
// The only expect is on an element pushed just before.
#[allow(clippy::expect_used)]
pub fn group_ledger(
    model: &Model,
    ledger: &[LedgerEntry],
    before: &[f64],
    after: &[f64],
) -> Vec<SlotChanges> {
    let mut out: Vec<SlotChanges> = Vec::new();
    for entry in ledger {
        let changes = match out.iter_mut().find(|c| c.slot == entry.slot) {
            Some(c) => c,
            None => {
                out.push(SlotChanges {
                    slot: entry.slot,
                    before: before[entry.slot],
                    after: after[entry.slot],
                    causes: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        match changes.causes.iter_mut().find(|(c, _)| *c == entry.cause) {
            Some((_, d)) => *d += entry.delta,
            None => changes.causes.push((entry.cause, entry.delta)),
        }
    }
    for c in &mut out {
        c.causes.retain(|(_, d)| *d != 0.0);
        c.causes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    }
    let rank = |slot: usize| match model.layout.kinds[slot] {
        SlotKind::Indicator(_) => 0,
        SlotKind::Resource { .. } => 1,
        _ => 2,
    };
    // A quantity pushed and held back to where it was did not change.
    out.retain(|c| !c.causes.is_empty() && c.after != c.before);
    out.sort_by_key(|c| (rank(c.slot), c.slot));
    out
}

/// The Why tab.
pub fn why_ui(ui: &mut egui::Ui, session: &Session) {
    let model = session.model();
    let run = session.run();
    let cursor = session.cursor().min(run.turns.len());
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if cursor == 0 {
                label(ui, RichText::new("Why did things change?").heading());
                label(
                    ui,
                    "After you play a week, this shows what moved each indicator and by how \
                     much: your choices, the news, and the rules of the model.",
                );
                return;
            }
            label(
                ui,
                RichText::new(format!(
                    "Why things changed in week {} ({} to {})",
                    cursor,
                    model.date(cursor - 1).human(),
                    model.date(cursor).human()
                ))
                .heading(),
            );
            let record = &run.turns[cursor - 1];
            let groups = group_ledger(
                model,
                &record.ledger,
                run.state(cursor - 1),
                run.state(cursor),
            );
            if groups.is_empty() {
                label(ui, "Nothing changed this week.");
                return;
            }
            label(
                ui,
                RichText::new("Each quantity with the causes of its change, largest first.").weak(),
            );
            for g in &groups {
                let unit = slot_unit(model, g.slot);
                let precision = slot_precision(model, g.slot);
                let number = |v: f64| match precision {
                    Some(p) => format_number(v, p),
                    None => amount(v),
                };
                let name = if unit.is_empty() {
                    slot_label(model, g.slot)
                } else {
                    format!("{} ({unit})", slot_label(model, g.slot))
                };
                let header = format!(
                    "{name}: {} (from {} to {})",
                    signed(g.after - g.before, precision),
                    number(g.before),
                    number(g.after)
                );
                ui.push_id(g.slot, |ui| {
                    // Laid out here, so that a long name wraps instead of running off the
                    // panel (the header itself never wraps its text).
                    let width = ui.available_width() - ui.spacing().indent - 8.0;
                    let header = egui::WidgetText::from(header).into_galley(
                        ui,
                        Some(egui::TextWrapMode::Wrap),
                        width.max(80.0),
                        egui::TextStyle::Button,
                    );
                    egui::CollapsingHeader::new(header)
                        .default_open(true)
                        .show(ui, |ui| {
                            for &(cause, delta) in &g.causes {
                                ui.horizontal_top(|ui| {
                                    ui.allocate_ui_with_layout(
                                        egui::vec2(90.0, 0.0),
                                        egui::Layout::right_to_left(egui::Align::Min),
                                        |ui| {
                                            ui.set_min_width(90.0);
                                            label(
                                                ui,
                                                RichText::new(signed(delta, precision)).monospace(),
                                            );
                                        },
                                    );
                                    ui.vertical(|ui| {
                                        label(ui, cause_label(model, cause));
                                    });
                                });
                            }
                        });
                });
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Command;

    #[test]
    fn causes_are_summed_and_largest_first() {
        let mut s = Session::new(crate::scenario::default_model().unwrap());
        let c = s.model().choice_index("humanitarian_aid").unwrap();
        s.apply(Command::Toggle(c)).unwrap();
        s.apply(Command::Commit).unwrap();
        let run = s.run();
        let groups = group_ledger(s.model(), &run.turns[0].ledger, run.state(0), run.state(1));
        assert!(!groups.is_empty());
        for g in &groups {
            let sum: f64 = g.causes.iter().map(|c| c.1).sum();
            assert!(
                (sum - (g.after - g.before)).abs() < 1e-6 * (1.0 + g.after.abs()),
                "{g:?}"
            );
            for pair in g.causes.windows(2) {
                assert!(pair[0].1.abs() >= pair[1].1.abs());
            }
        }
        let budget = s.model().layout.resources[s.model().role()].start;
        let spent = groups
            .iter()
            .find(|g| g.slot == budget)
            .expect("the budget moved");
        assert!(
            spent
                .causes
                .iter()
                .any(|(cause, d)| matches!(cause, Cause::Cost { .. }) && *d == -13.0)
        );
    }
}
