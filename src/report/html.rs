//! The HTML page around a report: one file with its styles inline and no external
//! resource, readable on a phone, printed with a page break between sections on A4 or
//! Letter.

use std::fmt::Write;

use super::words::escape_html;

/// The styles of every report page.
const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --line: #c8c8c8; --accent: #0b5fa5; --met: #1b7a3a; --missed: #a3271f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.4rem; line-height: 1.2; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 0.5rem; border-bottom: 2px solid var(--accent); padding-bottom: 0.15rem; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 0.3rem; }
p, li { max-width: 46rem; }
.muted { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0.5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.4rem 0 0.8rem; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.nowrap { white-space: nowrap; }
.met { color: var(--met); font-weight: 600; }
.missed { color: var(--missed); font-weight: 600; }
.reason { font-style: italic; }
figure { margin: 0.8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg.chart { width: 100%; height: auto; max-width: 40rem; display: block; font-family: inherit; }
figcaption { font-size: 0.9rem; color: var(--muted); max-width: 40rem; }
details { margin: 0.3rem 0; }
summary { cursor: pointer; color: var(--accent); }
.answer { border: 1px solid var(--line); border-radius: 4px; min-height: 6.5rem; margin: 0.3rem 0 1rem; background: repeating-linear-gradient(#fff 0 1.6rem, #e4e4e4 1.6rem calc(1.6rem + 1px)); }
.notice { border-left: 4px solid #c98a00; background: #fff8e5; padding: 0.4rem 0.7rem; }
.error { border-left: 4px solid var(--missed); background: #fdeeee; padding: 0.4rem 0.7rem; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
section.report + section.report { border-top: 3px double var(--line); margin-top: 2rem; }
th button { font: inherit; border: 0; background: none; padding: 0; cursor: pointer; text-align: inherit; white-space: normal; }
@media (max-width: 40rem) {
  body { padding: 0.6rem; font-size: 15px; }
  h1 { font-size: 1.35rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.3rem; }
}
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.page { break-before: page; page-break-before: always; }
  section.page:first-of-type, section.report > section.page:first-child { break-before: auto; page-break-before: auto; }
  section.report + section.report { break-before: page; page-break-before: always; border: 0; margin: 0; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  tr, figure { break-inside: avoid; page-break-inside: avoid; }
  details > summary { display: none; }
  details > :not(summary) { display: none; }
  .answer { min-height: 9rem; }
  .no-print { display: none; }
  table.sortable { font-size: 7pt; }
  table.sortable th, table.sortable td { padding: 0.1rem 0.2rem; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// A whole HTML document around `body`, with an optional inline script.
pub fn page(title: &str, lang: &str, body: &str, script: Option<&str>) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 512);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Sandtable {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape_html(lang),
        env!("CARGO_PKG_VERSION"),
        escape_html(title)
    );
    out.push_str(body);
    if let Some(script) = script {
        let _ = writeln!(out, "<script>{script}</script>");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A table in a horizontally scrolling box: `head` cells, then rows of ready-made cells
/// (`<td>` or `<th>` elements).
pub fn table(class: &str, head: &[(&str, bool)], rows: &[String]) -> String {
    let mut out = String::from("<div class=\"scroll\"><table");
    if !class.is_empty() {
        let _ = write!(out, " class=\"{}\"", escape_html(class));
    }
    out.push_str("><thead><tr>");
    for (label, numeric) in head {
        let _ = write!(
            out,
            "<th scope=\"col\"{}>{}</th>",
            if *numeric { " class=\"num\"" } else { "" },
            escape_html(label)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        let _ = write!(out, "<tr>{row}</tr>");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A text cell.
pub fn td(text: &str) -> String {
    format!("<td>{}</td>", escape_html(text))
}

/// A number cell, aligned right.
pub fn td_num(text: &str) -> String {
    format!("<td class=\"num\">{}</td>", escape_html(text))
}

/// A row heading cell.
pub fn th_row(text: &str) -> String {
    format!("<th scope=\"row\">{}</th>", escape_html(text))
}

/// A "met" or "missed" cell.
pub fn td_goal(met: bool) -> String {
    if met {
        "<td class=\"met\">met</td>".to_string()
    } else {
        "<td class=\"missed\">missed</td>".to_string()
    }
}

/// A chart in a figure, with its caption and its data as a table to unfold.
pub fn figure(svg: &str, caption: &str, data_table: &str) -> String {
    format!(
        "<figure>{svg}<figcaption>{}</figcaption><details><summary>The numbers of this chart</summary>{data_table}</details></figure>\n",
        escape_html(caption)
    )
}

/// Questions each followed by a ruled box to write the answer in.
pub fn questions(questions: &[String]) -> String {
    let mut out = String::from("<ol class=\"questions\">");
    for q in questions {
        let _ = write!(
            out,
            "<li><p>{}</p><div class=\"answer\" role=\"textbox\" aria-label=\"Answer\" contenteditable=\"true\"></div></li>",
            escape_html(q)
        );
    }
    out.push_str("</ol>\n");
    out
}
