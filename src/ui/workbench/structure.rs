//! The structured view of the workbench: what the scenario holds, as widgets that edit the
//! text in place. A stance is two sliders, an initial value a number field, a label a line
//! of text; moving one rewrites only that value in the RON text, so the author's comments,
//! layout and every other character stay as they were. Each widget reads its value from
//! the text as it is now, so the text and the widgets never disagree.
//!
//! Editing needs to know where each item is written, which the text tells once it loads:
//! while the text has a problem, the view shows what it held when it last loaded, to read
//! and to jump to, but not to edit.

use eframe::egui::{self, RichText};

use super::{Workbench, WorkbenchAction};
use crate::scenario::Model;
use crate::scenario::spans::{Node, Path};
use crate::ui::a11y::label;
use crate::ui::actions::Action;

/// A value's new text, for [`WorkbenchAction::Set`].
pub fn number_literal(value: f64) -> String {
    if !value.is_finite() {
        return "0.0".into();
    }
    // Four decimals at most, trailing zeros dropped, always a decimal point: `0.35`, `2.0`.
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0');
    if text.ends_with('.') {
        format!("{text}0")
    } else {
        text.to_string()
    }
}

/// A RON string literal holding `text`, escaped as RON reads it.
pub fn string_literal(text: &str) -> String {
    ron::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The number written at `path`, if there is one.
fn number_at(text: &str, tree: &Node, path: &Path) -> Option<f64> {
    let written = text.get(tree.find(path)?)?;
    ron::from_str::<f64>(written).ok()
}

/// The text written at `path`, if there is a string there.
fn string_at(text: &str, tree: &Node, path: &Path) -> Option<String> {
    let written = text.get(tree.find(path)?)?;
    ron::from_str::<String>(written).ok()
}

/// What a widget needs to edit the text: the text, its map, and where to send edits.
struct Editing<'a> {
    text: &'a str,
    tree: &'a Node,
    actions: &'a mut Vec<Action>,
}

impl Editing<'_> {
    fn set(&mut self, path: Path, literal: String, new_step: bool) {
        self.actions.push(Action::Workbench(WorkbenchAction::Set {
            path,
            literal,
            new_step,
        }));
    }

    /// A slider from 0 to 1 for the number at `path`.
    fn unit_slider(&mut self, ui: &mut egui::Ui, path: Path, name: &str, accessible: &str) {
        let Some(mut value) = number_at(self.text, self.tree, &path) else {
            return;
        };
        // A slider rounds to its step, which may move a value by a last bit: only a
        // change the text shows counts.
        let written = number_literal(value);
        ui.horizontal(|ui| {
            label(ui, name);
            let response = ui
                .add(egui::Slider::new(&mut value, 0.0..=1.0).step_by(0.01))
                .accessible_name(accessible);
            if response.changed() && number_literal(value) != written {
                let new_step = response.drag_started() || !response.dragged();
                self.set(path, number_literal(value), new_step);
            }
        });
    }

    /// A number field for the number at `path`.
    fn number(&mut self, ui: &mut egui::Ui, path: Path, name: &str, unit: &str, accessible: &str) {
        let Some(mut value) = number_at(self.text, self.tree, &path) else {
            return;
        };
        // A slider rounds to its step, which may move a value by a last bit: only a
        // change the text shows counts.
        let written = number_literal(value);
        ui.horizontal(|ui| {
            label(ui, name);
            let speed = (value.abs() / 100.0).max(0.01);
            let response = ui
                .add(
                    egui::DragValue::new(&mut value)
                        .speed(speed)
                        .max_decimals(4),
                )
                .accessible_name(accessible);
            if !unit.is_empty() {
                label(ui, RichText::new(unit).weak());
            }
            if response.changed() && number_literal(value) != written {
                let new_step = response.drag_started() || !response.dragged();
                self.set(path, number_literal(value), new_step);
            }
        });
    }

    /// A whole-number field for the whole number at `path`.
    fn whole(&mut self, ui: &mut egui::Ui, path: Path, name: &str, accessible: &str) {
        let Some(value) = number_at(self.text, self.tree, &path) else {
            return;
        };
        let mut value = value.max(0.0).round() as u32;
        ui.horizontal(|ui| {
            label(ui, name);
            let response = ui
                .add(egui::DragValue::new(&mut value).speed(0.1))
                .accessible_name(accessible);
            if response.changed() {
                let new_step = response.drag_started() || !response.dragged();
                self.set(path, value.to_string(), new_step);
            }
        });
    }

    /// A line of text for the string at `path`.
    fn line(&mut self, ui: &mut egui::Ui, path: Path, name: &str, accessible: &str) {
        let Some(mut value) = string_at(self.text, self.tree, &path) else {
            return;
        };
        ui.horizontal(|ui| {
            label(ui, name);
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut value)
                        .desired_width(ui.available_width())
                        .char_limit(2000),
                )
                .accessible_name(accessible);
            if response.changed() {
                self.set(path, string_literal(&value), false);
            }
        });
    }
}

/// The structured view of the scenario that last loaded.
pub fn structure_ui(ui: &mut egui::Ui, workbench: &Workbench, actions: &mut Vec<Action>) {
    let Some(model) = workbench.model.as_deref() else {
        label(
            ui,
            "The text has not loaded yet: fix its problems to see what it holds.",
        );
        return;
    };
    let tree = workbench.editable_tree();
    if tree.is_none() {
        label(
            ui,
            RichText::new("As it last loaded; fix the problems to edit here again.").small(),
        );
    }
    let mut editing = tree.map(|tree| Editing {
        text: &workbench.text,
        tree,
        actions: &mut *actions,
    });
    let s = &model.scenario;
    let mut jumps = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt("workbench_structure_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut view = View {
                workbench,
                editing: editing.as_mut(),
            };
            view.actors(ui, model);
            view.indicators(ui, model);
            view.choices(ui, model);
            view.events(ui, model);
            // The parts with nothing to tune here are listed to jump to.
            let mut jump = |ui: &mut egui::Ui, title: &str, items: Vec<(&String, &String)>| {
                section(ui, title, items.len(), false, |ui| {
                    for (id, name) in items {
                        jump_link(ui, workbench, id, &name_and_id(name, id), &mut jumps);
                    }
                });
            };
            jump(
                ui,
                "Issues",
                s.issues.iter().map(|i| (&i.id, &i.name)).collect(),
            );
            jump(
                ui,
                "Parameters",
                s.parameters.iter().map(|p| (&p.id, &p.name)).collect(),
            );
            jump(
                ui,
                "Goals",
                s.goals.iter().map(|g| (&g.id, &g.name)).collect(),
            );
            jump(
                ui,
                "Paths",
                s.paths.iter().map(|p| (&p.id, &p.name)).collect(),
            );
        });
    actions.extend(jumps);
}

fn section(
    ui: &mut egui::Ui,
    title: &str,
    count: usize,
    open: bool,
    add: impl FnOnce(&mut egui::Ui),
) {
    egui::CollapsingHeader::new(format!("{title} ({count})"))
        .id_salt(("workbench_section", title))
        .default_open(open)
        .show(ui, add);
}

/// An item's name and id, as the view lists it.
fn name_and_id(name: &str, id: &str) -> String {
    if id == name {
        id.to_string()
    } else {
        format!("{name} ({id})")
    }
}

/// A link, reading `text`, to where the item `id` is written.
fn jump_link(
    ui: &mut egui::Ui,
    workbench: &Workbench,
    id: &str,
    text: &str,
    actions: &mut Vec<Action>,
) {
    // Found when clicked: looking up every link's place each frame would read the whole
    // text as many times.
    if ui.link(text).clicked()
        && let Some(at) = workbench.place_of_id(id)
    {
        actions.push(Action::Workbench(WorkbenchAction::Jump(at)));
    }
}

/// What the listed items need: the workbench, and the editing when the text can be edited.
struct View<'w, 'e, 'a> {
    workbench: &'w Workbench,
    editing: Option<&'e mut Editing<'a>>,
}

impl View<'_, '_, '_> {
    /// A section of the scenario's list `field` (`"actors"`): each item a collapsing header
    /// with a link to where it is written and the widgets `add` draws for it, given the
    /// item's path in the text.
    fn list<T>(
        &mut self,
        ui: &mut egui::Ui,
        (title, field, open): (&str, &'static str, bool),
        items: &[T],
        id_and_name: impl Fn(&T) -> (&str, &str),
        mut add: impl FnMut(&mut egui::Ui, &mut Editing, &T, &Path),
    ) {
        section(ui, title, items.len(), open, |ui| {
            for (i, item) in items.iter().enumerate() {
                let (id, name) = id_and_name(item);
                let path = Path::root().field(field).index(i);
                egui::CollapsingHeader::new(name_and_id(name, id))
                    .id_salt(("workbench_item", id))
                    .show(ui, |ui| match self.editing.as_deref_mut() {
                        Some(editing) => {
                            jump_link(ui, self.workbench, id, "Show in the text", editing.actions);
                            add(ui, editing, item, &path);
                        }
                        None => {
                            label(
                                ui,
                                RichText::new("Fix the problems to edit it here.").weak(),
                            );
                        }
                    });
            }
        });
    }

    fn actors(&mut self, ui: &mut egui::Ui, model: &Model) {
        let s = &model.scenario;
        let list = ("Actors", "actors", true);
        self.list(
            ui,
            list,
            &s.actors,
            |a| (&a.id, &a.name),
            |ui, e, actor, path| {
                e.line(
                    ui,
                    path.field("name"),
                    "name",
                    &format!("{} name", actor.id),
                );
                for issue in s
                    .issues
                    .iter()
                    .filter(|i| actor.stances.contains_key(&i.id))
                {
                    label(
                        ui,
                        RichText::new(format!("Stance on {}", issue.name)).strong(),
                    );
                    let stance = path.field("stances").key(issue.id.clone());
                    let who = format!("{} on {}", actor.id, issue.id);
                    for part in ["position", "salience"] {
                        e.unit_slider(ui, stance.field(part), part, &format!("{who}: {part}"));
                    }
                }
                for (r, resource) in actor.resources.iter().enumerate() {
                    e.number(
                        ui,
                        path.field("resources").index(r).field("initial"),
                        &format!("{} at the start", resource.name),
                        &resource.unit,
                        &format!("{}.{} initial", actor.id, resource.id),
                    );
                }
            },
        );
    }

    fn indicators(&mut self, ui: &mut egui::Ui, model: &Model) {
        let s = &model.scenario;
        let list = ("Indicators", "indicators", false);
        self.list(
            ui,
            list,
            &s.indicators,
            |i| (&i.id, &i.name),
            |ui, e, indicator, path| {
                let id = &indicator.id;
                e.line(ui, path.field("name"), "name", &format!("{id} name"));
                for (field, name) in [
                    ("initial", "at the start"),
                    ("min", "at least"),
                    ("max", "at most"),
                ] {
                    e.number(
                        ui,
                        path.field(field),
                        name,
                        &indicator.unit,
                        &format!("{id} {field}"),
                    );
                }
            },
        );
    }

    fn choices(&mut self, ui: &mut egui::Ui, model: &Model) {
        let s = &model.scenario;
        let player = s.actors.iter().find(|a| a.id == s.role);
        let list = ("Choices", "choices", true);
        self.list(
            ui,
            list,
            &s.choices,
            |c| (&c.id, &c.label),
            |ui, e, choice, path| {
                let id = &choice.id;
                e.line(ui, path.field("label"), "label", &format!("{id} label"));
                for resource in choice.cost.keys() {
                    let unit = player
                        .and_then(|p| p.resources.iter().find(|r| &r.id == resource))
                        .map_or("", |r| r.unit.as_str());
                    e.number(
                        ui,
                        path.field("cost").key(resource.clone()),
                        &format!("costs {resource}"),
                        unit,
                        &format!("{id} cost in {resource}"),
                    );
                }
                let max_times = path.field("max_times");
                e.whole(
                    ui,
                    max_times,
                    "at most this many times",
                    &format!("{id} max_times"),
                );
            },
        );
    }

    fn events(&mut self, ui: &mut egui::Ui, model: &Model) {
        let s = &model.scenario;
        let list = ("Events", "events", false);
        self.list(
            ui,
            list,
            &s.events,
            |v| (&v.id, &v.title),
            |ui, e, event, path| {
                for (field, name) in [
                    ("title", "title"),
                    ("condition", "when"),
                    ("probability", "chance"),
                ] {
                    e.line(
                        ui,
                        path.field(field),
                        name,
                        &format!("{} {field}", event.id),
                    );
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_short_and_as_numbers() {
        assert_eq!(number_literal(0.35), "0.35");
        assert_eq!(number_literal(2.0), "2.0");
        assert_eq!(number_literal(-1.23456), "-1.2346");
        assert_eq!(number_literal(f64::NAN), "0.0");
        assert_eq!(ron::from_str::<f64>(&number_literal(1e6)).unwrap(), 1e6);
    }

    #[test]
    fn strings_are_written_as_ron_reads_them() {
        for text in [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "two\nlines",
            "é ✓",
        ] {
            let literal = string_literal(text);
            assert_eq!(
                ron::from_str::<String>(&literal).unwrap(),
                text,
                "{literal}"
            );
        }
    }
}
