//! The actors panel: who stands where on each issue against the player's policy and the
//! pressure point, how much they care, their approval of the player's policy with its
//! trend, and their resources. Every painted bar is also written out as text.

use eframe::egui::{self, Color32, Pos2, Rect, RichText, Sense, Shape, Stroke, Vec2};

use super::a11y::label;
use super::text::{amount, with_unit};
use crate::scenario::format_number;
use crate::session::Session;

const POLICY: Color32 = Color32::from_rgb(60, 130, 240);
const PRESSURE: Color32 = Color32::from_rgb(235, 140, 30);

/// The actors panel.
pub fn actors_ui(ui: &mut egui::Ui, session: &Session, approvals: &[Vec<f64>]) {
    let model = session.model();
    let s = &model.scenario;
    let layout = &model.layout;
    let state = session.state();
    let cursor = session.cursor();
    label(ui, RichText::new("Actors").heading());
    legend_ui(ui);
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (a, actor) in s.actors.iter().enumerate() {
                ui.push_id(a, |ui| {
                    egui::CollapsingHeader::new(RichText::new(&actor.name).strong())
                        .default_open(true)
                        .show(ui, |ui| {
                            if !actor.description.is_empty() {
                                label(ui, RichText::new(&actor.description).small().weak());
                            }
                            let approval = state[layout.approval(a)];
                            let trend = approvals
                                .get(a)
                                .map_or(&[][..], |v| &v[..v.len().min(cursor + 1)]);
                            ui.horizontal_wrapped(|ui| {
                                let start = trend.first().copied().unwrap_or(approval);
                                label(
                                    ui,
                                    format!(
                                        "Approval of your policy: {} / 100",
                                        format_number(approval, 0)
                                    ),
                                )
                                .on_hover_text(format!(
                                    "{} at the start. 100 means your policy is exactly \
                                     what this actor wants on the issues it cares about.",
                                    format_number(start, 0)
                                ));
                                sparkline_ui(ui, trend);
                                if trend.len() > 1 {
                                    label(
                                        ui,
                                        RichText::new(format!("start {}", format_number(start, 0)))
                                            .small()
                                            .weak(),
                                    );
                                }
                            });
                            for (i, issue) in s.issues.iter().enumerate() {
                                if !model.actors[a].has_stance[i] {
                                    continue;
                                }
                                let position = state[layout.position(a, i)];
                                let salience = state[layout.salience(a, i)];
                                let policy = state[layout.policy(i)];
                                let pressure = state[layout.pressure(i)];
                                label(ui, RichText::new(&issue.name).small());
                                let scale =
                                    format!("From 0 ({}) to 100 ({}).", issue.low, issue.high);
                                stance_bar_ui(ui, position, salience, policy, pressure)
                                    .on_hover_text(format!("{scale}\n\n{STANCE_WORDS}"));
                                label(
                                    ui,
                                    RichText::new(stance_text(
                                        position, policy, pressure, salience,
                                    ))
                                    .small(),
                                )
                                .on_hover_text(format!("{scale}\n\n{STANCE_WORDS}"));
                            }
                            let resources = &actor.resources;
                            if !resources.is_empty() {
                                let text: Vec<String> = resources
                                    .iter()
                                    .enumerate()
                                    .map(|(r, res)| {
                                        let v = state[layout.resources[a].start + r];
                                        format!("{}: {}", res.name, with_unit(amount(v), &res.unit))
                                    })
                                    .collect();
                                for line in text {
                                    label(ui, RichText::new(line).small());
                                }
                            }
                        });
                });
            }
        });
}

/// What the numbers under a stance bar mean, for the hover text.
pub const STANCE_WORDS: &str = "Wants: where this actor would like your policy to be. \
    Your policy: where Canada stands now. Pressure point: where all the actors together \
    push, each counted by how much it cares and how strong it is; policies that stay far \
    from it cost approval. Cares: how much this issue matters to the actor, from 0 (not at \
    all) to 100 (above everything).";

/// A stance in plain words, on the scale of 100 used for approval:
/// `wants 20 · your policy 0 · pressure point 40 · cares 80 of 100`.
pub fn stance_text(position: f64, policy: f64, pressure: f64, salience: f64) -> String {
    let on_100 = |v: f64| format_number(100.0 * v, 0);
    format!(
        "wants {} · your policy {} · pressure point {} · cares {} of 100",
        on_100(position),
        on_100(policy),
        on_100(pressure),
        on_100(salience)
    )
}

/// What the marks on the bars mean.
fn legend_ui(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 4.5, ui.visuals().strong_text_color());
        label(ui, RichText::new("the actor's position").small());
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        ui.painter().line_segment(
            [rect.center_top(), rect.center_bottom()],
            Stroke::new(3.0, POLICY),
        );
        label(ui, RichText::new("your policy").small());
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        diamond(ui.painter(), rect.center(), 5.0, PRESSURE);
        label(ui, RichText::new("the pressure point").small());
    });
}

fn diamond(painter: &egui::Painter, c: Pos2, r: f32, color: Color32) {
    painter.add(Shape::convex_polygon(
        vec![
            c + Vec2::new(0.0, -r),
            c + Vec2::new(r, 0.0),
            c + Vec2::new(0.0, r),
            c + Vec2::new(-r, 0.0),
        ],
        color,
        Stroke::NONE,
    ));
}

/// A 0..1 axis with the actor's position (its dot stronger the more it cares), the
/// player's policy and the pressure point.
fn stance_bar_ui(
    ui: &mut egui::Ui,
    position: f64,
    salience: f64,
    policy: f64,
    pressure: f64,
) -> egui::Response {
    let width = ui.available_width().clamp(80.0, 400.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, 16.0), Sense::hover());
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let painter = ui.painter_at(rect.expand(2.0));
    let visuals = ui.visuals();
    let track = Rect::from_min_max(
        Pos2::new(rect.left() + 6.0, rect.center().y - 2.0),
        Pos2::new(rect.right() - 6.0, rect.center().y + 2.0),
    );
    painter.rect_filled(track, 2.0, visuals.widgets.inactive.bg_fill);
    let x = |v: f64| track.left() + track.width() * v.clamp(0.0, 1.0) as f32;
    for tick in [0.0, 0.5, 1.0] {
        painter.line_segment(
            [
                Pos2::new(x(tick), rect.center().y - 5.0),
                Pos2::new(x(tick), rect.center().y + 5.0),
            ],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
    }
    diamond(
        &painter,
        Pos2::new(x(pressure), rect.center().y),
        6.0,
        PRESSURE,
    );
    painter.line_segment(
        [
            Pos2::new(x(policy), rect.top()),
            Pos2::new(x(policy), rect.bottom()),
        ],
        Stroke::new(3.0, POLICY),
    );
    let strong = visuals.strong_text_color();
    let alpha = (0.35 + 0.65 * salience.clamp(0.0, 1.0)) as f32;
    painter.circle(
        Pos2::new(x(position), rect.center().y),
        5.0,
        strong.gamma_multiply(alpha),
        Stroke::new(1.0, strong),
    );
    response
}

/// A small line of a series of values 0..100.
fn sparkline_ui(ui: &mut egui::Ui, values: &[f64]) {
    let (rect, _) = ui.allocate_exact_size(Vec2::new(64.0, 16.0), Sense::hover());
    if values.len() < 2 || !ui.is_rect_visible(rect) {
        return;
    }
    let n = values.len() - 1;
    let points: Vec<Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Pos2::new(
                rect.left() + rect.width() * i as f32 / n as f32,
                rect.bottom() - rect.height() * (v.clamp(0.0, 100.0) / 100.0) as f32,
            )
        })
        .collect();
    ui.painter().line(points, Stroke::new(1.5, POLICY));
}
