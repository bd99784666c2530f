//! `sandtable report` and `sandtable class`: the reports of sessions and the class
//! debrief, written by [`crate::report`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use clap::Args;

use super::{WorkArgs, output};
use crate::files::atomic_write;
use crate::report::{self, Format, SessionReport, Settings, student};
use crate::scenario::{self, Model};
use crate::session::Session;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Session files (`*.session.ron`); several make one document.
    #[arg(required = true, value_name = "SESSION")]
    pub sessions: Vec<PathBuf>,
    /// Write to this file: `.html` (one page, charts included), `.md` or `.csv` (every
    /// branch's trajectory). Without it, the report is printed as Markdown.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub work: WorkArgs,
}

#[derive(Debug, Args)]
pub struct ClassArgs {
    /// Session files, or folders of them (their `*.session.ron` files).
    #[arg(required = true, value_name = "FILES-OR-FOLDER")]
    pub files: Vec<PathBuf>,
    /// Write to this file: `.html` (one page, charts included), `.csv` (one row per file)
    /// or `.md`. Without it, the debrief is printed as Markdown.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub work: WorkArgs,
}

fn settings(work: &WorkArgs) -> Settings {
    Settings {
        runs: work.runs(),
        threads: work.threads(),
    }
}

fn output_format(path: &Path) -> Result<Format> {
    Format::of_path(path).ok_or_else(|| {
        anyhow!(
            "cannot tell the format of {} from its name\n  hint: end it with .html, .md or .csv",
            path.display()
        )
    })
}

fn write_output(path: &Path, text: &str) -> Result<()> {
    atomic_write(path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// `sandtable report`.
pub fn report_cmd(args: &ReportArgs) -> Result<()> {
    let format = args.output.as_deref().map(output_format).transpose()?;
    let inputs = args
        .sessions
        .iter()
        .map(|path| SessionReport::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    let settings = settings(&args.work);
    let reports: Vec<_> = inputs
        .iter()
        .map(|i| student::build(i, &settings))
        .collect();
    let text = match format {
        Some(Format::Html) => student::html_document(&reports),
        Some(Format::Csv) => student::csv_document(&reports),
        Some(Format::Markdown) | None => student::markdown_document(&reports),
    };
    match &args.output {
        Some(path) => {
            write_output(path, &text)?;
            output::print_line(&format!(
                "{}: the report of {} session{}",
                path.display(),
                reports.len(),
                if reports.len() == 1 { "" } else { "s" }
            ))?;
        }
        None => {
            output::print(&text)?;
        }
    }
    Ok(())
}

/// `sandtable class`.
pub fn class_cmd(args: &ClassArgs) -> Result<()> {
    let format = args.output.as_deref().map(output_format).transpose()?;
    let (sessions, damaged) = report::class::load(&args.files);
    if sessions.is_empty() && damaged.is_empty() {
        return Err(anyhow!(
            "no session file found in {}\n  hint: a class debrief reads `*.session.ron` files, or folders that hold them",
            args.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for d in &damaged {
        eprintln!("warning: {} was not read: {}", d.source, d.error);
    }
    let debrief = report::class::build(sessions, damaged, &settings(&args.work));
    let text = match format {
        Some(Format::Html) => debrief.html(),
        Some(Format::Csv) => debrief.csv(),
        Some(Format::Markdown) | None => debrief.markdown(),
    };
    match &args.output {
        Some(path) => {
            write_output(path, &text)?;
            output::print_line(&format!(
                "{}: the class debrief of {} students{}{}",
                path.display(),
                debrief.students.len(),
                if debrief.other_versions.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} of another scenario version apart",
                        debrief.other_versions.len()
                    )
                },
                if debrief.damaged.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} not read",
                        crate::report::words::count(debrief.damaged.len(), "file", "files")
                    )
                }
            ))?;
        }
        None => {
            output::print(&text)?;
        }
    }
    Ok(())
}

/// A scenario file, or a session file's embedded scenario.
pub fn load_scenario_or_session(path: &Path) -> Result<Model> {
    if report::class::is_session_file(path) {
        Ok(Session::load(path)?.model().as_ref().clone())
    } else {
        scenario::load_file(path).map_err(anyhow::Error::new)
    }
}
