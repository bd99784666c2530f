//! Layout checks on what a frame painted: text cut off at the side of its panel, text
//! shortened with an ellipsis, text off the screen, and texts drawn over each other.
//!
//! They read the frame's shapes rather than the accessibility tree, because the tree has
//! each widget's whole rectangle, not the part of it that is shown.

use eframe::egui::{self, Rect, Shape, emath::TSTransform, epaint::ClippedShape};
use egui_kittest::Harness;

use sandtable::ui::SandtableApp;
use sandtable::ui::layout::sideways_viewports;

/// A text the frame painted.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub text: String,
    /// Where its glyphs are.
    pub rect: Rect,
    /// What it was clipped to.
    pub clip: Rect,
    pub elided: bool,
    /// Turned, like a chart's axis title.
    pub turned: bool,
    /// Each of its lines, where it is.
    pub rows: Vec<Rect>,
}

impl Drawn {
    /// The part of it that shows.
    pub fn visible(&self) -> Rect {
        self.rect.intersect(self.clip)
    }
}

fn collect(shape: &Shape, clip: Rect, transform: TSTransform, out: &mut Vec<Drawn>) {
    match shape {
        Shape::Vec(shapes) => {
            for s in shapes {
                collect(s, clip, transform, out);
            }
        }
        Shape::Text(t) => {
            let text = t.galley.text().trim().to_string();
            // Each line from its first to its last visible character: a line's trailing
            // space is not text that is cut off.
            let rows: Vec<Rect> = t
                .galley
                .rows
                .iter()
                .filter_map(|r| {
                    let mut ink = r.glyphs.iter().filter(|g| !g.chr.is_whitespace());
                    let first = ink.next()?;
                    let last = ink.next_back().unwrap_or(first);
                    let rect = Rect::from_min_max(
                        egui::pos2(first.pos.x, 0.0),
                        egui::pos2(last.pos.x + last.advance_width, r.row.size.y),
                    );
                    Some(transform.mul_rect(rect.translate(r.pos.to_vec2() + t.pos.to_vec2())))
                })
                .collect();
            let ink = rows.iter().copied().reduce(Rect::union);
            if let (false, Some(ink)) = (text.is_empty(), ink) {
                out.push(Drawn {
                    text,
                    rect: if t.angle == 0.0 {
                        ink
                    } else {
                        transform.mul_rect(t.visual_bounding_rect())
                    },
                    clip: transform.mul_rect(clip),
                    elided: t.galley.elided,
                    turned: t.angle != 0.0,
                    rows,
                });
            }
        }
        _ => {}
    }
}

/// Every text of the last frame, in painting order.
pub fn drawn(harness: &Harness<'_, SandtableApp>) -> Vec<Drawn> {
    let mut out = Vec::new();
    for ClippedShape {
        clip_rect,
        shape,
        transform_after_tessellation,
    } in &harness.output().shapes
    {
        collect(shape, *clip_rect, *transform_after_tessellation, &mut out);
    }
    out
}

/// Whether `inner` lies within `outer`, give or take a pixel.
fn within(inner: Rect, outer: Rect) -> bool {
    outer.expand(1.0).contains_rect(inner)
}

/// What is wrong with the last frame's layout, in words; empty if nothing.
/// `overlaps` also checks that no two texts are drawn over each other (leave it off for
/// frames with a window open over the panels).
pub fn problems(harness: &Harness<'_, SandtableApp>, overlaps: bool) -> Vec<String> {
    let screen = harness.ctx.content_rect();
    let sideways = sideways_viewports(&harness.ctx);
    let texts = drawn(harness);
    let mut out = Vec::new();
    let mut shown = Vec::new();
    for t in &texts {
        let visible = t.visible();
        if !visible.is_positive() {
            continue;
        }
        let scrolls = sideways.iter().any(|v| within(t.clip, *v));
        let cut = t.rect.left() < t.clip.left() - 1.0 || t.rect.right() > t.clip.right() + 1.0;
        if cut && !scrolls && !t.turned {
            out.push(format!(
                "cut off at the side: “{}” at x {:.0}–{:.0}, shown in {:.0}–{:.0}",
                t.text,
                t.rect.left(),
                t.rect.right(),
                t.clip.left(),
                t.clip.right()
            ));
        }
        if t.elided {
            out.push(format!("shortened: “{}”", t.text));
        }
        if !within(visible, screen) {
            out.push(format!("off the screen: “{}” at {:?}", t.text, t.rect));
        }
        // A chart's turned axis title sits by its numbers, where the chart puts it.
        if !t.turned {
            let rows: Vec<Rect> = t.rows.iter().map(|r| r.intersect(t.clip)).collect();
            shown.push((t, rows));
        }
    }
    if overlaps {
        let over = |a: &[Rect], b: &[Rect]| {
            a.iter().any(|ra| {
                b.iter().any(|rb| {
                    let both = ra.intersect(*rb);
                    both.width() > 2.0 && both.height() > 2.0
                })
            })
        };
        for (i, (a, ra)) in shown.iter().enumerate() {
            for (b, rb) in &shown[i + 1..] {
                if over(ra, rb) {
                    out.push(format!("“{}” is drawn over “{}”", b.text, a.text));
                }
            }
        }
    }
    out
}

/// Panics with every problem of the last frame's layout, naming `what` was on screen.
pub fn assert_fits(harness: &mut Harness<'_, SandtableApp>, what: &str, overlaps: bool) {
    let found = problems(harness, overlaps);
    let size = harness.ctx.content_rect().size();
    #[cfg(feature = "snapshot")]
    if !found.is_empty() {
        save_picture(harness, &format!("{what}-{:.0}x{:.0}", size.x, size.y));
    }
    assert!(
        found.is_empty(),
        "{what} at {:.0}×{:.0} points, zoom {}:\n  {}",
        size.x,
        size.y,
        harness.ctx.pixels_per_point(),
        found.join("\n  ")
    );
}

/// The window sizes a class meets, in pixels, with the zoom (pixels per point) used on
/// them: school laptops, a common office screen, and a projector at 150 % and 200 %.
pub const SCREENS: [(f32, f32, f32); 7] = [
    (1280.0, 800.0, 1.0),
    (1366.0, 768.0, 1.0),
    (1920.0, 1080.0, 1.0),
    (1280.0, 800.0, 1.5),
    (1366.0, 768.0, 1.5),
    (1920.0, 1080.0, 1.5),
    (1920.0, 1080.0, 2.0),
];

/// The app on `app` in a window of `width`×`height` pixels at `zoom`.
pub fn on_screen(
    app: SandtableApp,
    (width, height, zoom): (f32, f32, f32),
) -> Harness<'static, SandtableApp> {
    let harness = Harness::builder()
        .with_size(egui::vec2(width / zoom, height / zoom))
        .with_pixels_per_point(zoom)
        .with_max_steps(64);
    #[cfg(feature = "snapshot")]
    let harness = harness.wgpu();
    let mut harness = harness.build_eframe(move |_cc| app);
    harness.run();
    harness
}

/// Writes what the frame shows to `target/layout/NAME.png`, to look at when a check fails.
#[cfg(feature = "snapshot")]
pub fn save_picture(harness: &mut Harness<'_, SandtableApp>, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/layout");
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(image) = harness.render()
        && std::fs::create_dir_all(&dir).is_ok()
    {
        let path = dir.join(format!("{name}.png"));
        match image.save(&path) {
            Ok(()) => eprintln!("layout: the frame is in {}", path.display()),
            Err(e) => eprintln!("layout: cannot write {}: {e}", path.display()),
        }
    }
}
