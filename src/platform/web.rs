//! The browser: no threads (analyses run in slices between frames), files picked with the
//! page's file input or dropped on it and read as text, saves offered as downloads, the
//! autosave in the page's `localStorage`, and `?open=path` to open a file hosted beside the
//! page. [`start`] runs the app on the page's canvas.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use web_time::SystemTime;

use eframe::egui;
use eframe::wasm_bindgen::{JsCast, JsValue, prelude::Closure};
use eframe::web_sys;

use super::{Dialog, GivenFile, GivenFiles, storage_key};

/// Whether analyses may run on threads of their own.
pub const THREADS: bool = false;

/// Whether the app runs in a browser (files are picked, dropped and downloaded, not named
/// by path).
pub const IN_BROWSER: bool = true;

/// The id of the page's canvas (see `web/index.html`).
const CANVAS_ID: &str = "sandtable";

thread_local! {
    /// Files read but not yet taken by the app.
    static GIVEN: RefCell<Vec<GivenFiles>> = const { RefCell::new(Vec::new()) };
    /// The app's context, to wake it when a file has been read.
    static CONTEXT: RefCell<Option<egui::Context>> = const { RefCell::new(None) };
}

/// Seconds since the page loaded (the clock `Instant` lacks here).
pub fn now_seconds() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
        / 1000.0
}

/// No system dialog in a browser ([`pick_files`] and [`download`] instead): the receiver
/// is closed at once, as a dialog cancelled.
pub fn dialog(
    _kind: Dialog,
    _start: Option<PathBuf>,
    _ctx: &egui::Context,
) -> std::sync::mpsc::Receiver<Vec<PathBuf>> {
    std::sync::mpsc::channel().1
}

fn give(files: GivenFiles) {
    GIVEN.with(|g| g.borrow_mut().push(files));
    CONTEXT.with(|c| {
        if let Some(ctx) = &*c.borrow() {
            ctx.request_repaint();
        }
    });
}

fn give_error(name: &str, message: String) {
    give(GivenFiles {
        files: vec![GivenFile {
            name: name.into(),
            text: Err(message),
        }],
    });
}

/// Files given since the last call, each batch as given together: picked, dropped, or
/// fetched for `?open=`.
pub fn take_given_files() -> Vec<GivenFiles> {
    GIVEN.with(|g| std::mem::take(&mut *g.borrow_mut()))
}

/// Opens the browser's file chooser (several files at once); the files come through
/// [`take_given_files`] once read.
pub fn pick_files() {
    if let Err(e) = try_pick_files() {
        give_error("the file chooser", js_error(&e));
    }
}

fn try_pick_files() -> Result<(), JsValue> {
    let document = document()?;
    let input: web_sys::HtmlInputElement = document.create_element("input")?.dyn_into()?;
    input.set_type("file");
    input.set_multiple(true);
    input.set_accept(".ron,text/plain");
    input.set_hidden(true);
    // The end-to-end tests find the chooser by this id.
    input.set_id("sandtable-file-input");
    let body = document.body().ok_or("the page has no body")?;
    body.append_child(&input)?;
    let chosen = input.clone();
    let on_change = Closure::once_into_js(move || {
        let files: Vec<web_sys::File> = chosen
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        chosen.remove();
        wasm_bindgen_futures::spawn_local(async move {
            let mut batch = GivenFiles::default();
            for file in files {
                batch.files.push(read_file(file).await);
            }
            give(with_named_scenarios(batch, "").await);
        });
    });
    input.add_event_listener_with_callback("change", on_change.unchecked_ref())?;
    input.click();
    Ok(())
}

async fn read_file(file: web_sys::File) -> GivenFile {
    let name = file.name();
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|e| format!("{name} could not be read: {}", js_error(&e)))
        .and_then(|v| {
            v.as_string()
                .ok_or_else(|| format!("{name} is not a text file"))
        });
    GivenFile { name, text }
}

/// Files dropped on the page have no path: they are read, and come through
/// [`take_given_files`] as one batch.
pub fn dropped_paths(files: &[egui::DroppedFileHandle]) -> Vec<PathBuf> {
    if files.is_empty() {
        return Vec::new();
    }
    let files = files.to_vec();
    wasm_bindgen_futures::spawn_local(async move {
        let mut batch = GivenFiles::default();
        for file in files {
            let name = file.path().display().to_string();
            batch.files.push(match file.bytes_async().await {
                Ok(bytes) => GivenFile::from_bytes(name, &bytes),
                Err(e) => GivenFile {
                    text: Err(format!("{name} could not be read: {e}")),
                    name,
                },
            });
        }
        give(with_named_scenarios(batch, "").await);
    });
    Vec::new()
}

/// Adds to `batch` the scenario each exercise in it names, when it was not given with it:
/// fetched from beside the page, at its path relative to the exercise (`folder` is the
/// exercise's folder on the site, for a linked one), or from the site's `scenarios/`.
async fn with_named_scenarios(mut batch: GivenFiles, folder: &str) -> GivenFiles {
    let mut wanted = Vec::new();
    for file in &batch.files {
        let Ok(text) = &file.text else { continue };
        if !crate::exercise::is_exercise(Path::new(&file.name), text) {
            continue;
        }
        let Some(relative) = crate::exercise::scenario_file_of(text) else {
            continue;
        };
        let file_name = Path::new(&relative)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let given = batch.files.iter().any(|f| {
            Path::new(&f.name).file_name().map(|n| n.to_string_lossy())
                == Some(file_name.as_str().into())
        });
        if !given && !file_name.is_empty() {
            wanted.push((
                site_path(folder, &relative),
                format!("scenarios/{file_name}"),
            ));
        }
    }
    for (beside, shipped) in wanted {
        let mut text = match &beside {
            Some(path) => fetch_text(path).await,
            None => Err(String::new()),
        };
        if text.is_err() {
            text = fetch_text(&shipped).await;
        }
        if let Ok(text) = text {
            batch.files.push(GivenFile {
                name: beside.unwrap_or(shipped),
                text: Ok(text),
            });
        }
    }
    batch
}

/// `relative` (with `..`) from `folder` on the site, if it stays on the site.
fn site_path(folder: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Offers `bytes` as a download named `name` (the browser saves it in its downloads).
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    try_download(name, bytes)
        .map_err(|e| format!("{name} could not be downloaded: {}", js_error(&e)))
}

fn try_download(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document.body().ok_or("the page has no body")?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // The download has started from the link; the URL is freed a minute later.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        window.set_timeout_with_callback_and_timeout_and_arguments_0(
            revoke.unchecked_ref(),
            60_000,
        )?;
    }
    Ok(())
}

/// Whether the app's state should also be given as text ([`show_status`]): in a browser
/// a screen reader sees the canvas as one picture (eframe's web runner exposes no
/// accessibility tree).
pub const SHOWS_STATUS: bool = true;

/// Puts the app's state in words on the page: `status` (the week, the selection, the
/// notice) in the live region `#status`, read out when it changes, and every indicator's
/// value in `#values`.
pub fn show_status(status: &str, values: &str) {
    let Ok(document) = document() else {
        return;
    };
    for (id, text) in [("status", status), ("values", values)] {
        if let Some(element) = document.get_element_by_id(id) {
            element.set_text_content(Some(text));
        }
    }
}

/// The autosave's folder: a prefix of keys in the page's `localStorage`.
pub fn autosave_dir() -> Option<PathBuf> {
    Some(PathBuf::from("autosaves"))
}

thread_local! {
    /// This page's id in the autosave's locks, drawn when first asked.
    static PAGE_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// When this page last said it still runs, in milliseconds.
    static LAST_BEAT: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NEG_INFINITY) };
    /// The user asked this page to keep nothing in the browser any more.
    static WIPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How often a page says it still runs, and how long after its last word it is taken to
/// be closed (a tab closed or crashed): its autosave is then offered back.
const BEAT_MS: f64 = 2_000.0;
const GONE_AFTER_MS: f64 = 10_000.0;

/// This page, as the autosave's locks name it: a random id, so that two tabs open on the
/// same site keep their own sessions.
pub fn process_id() -> u32 {
    PAGE_ID.with(|id| {
        if id.get() == 0 {
            id.set((js_sys::Math::random() * f64::from(u32::MAX - 1)) as u32 + 1);
        }
        id.get()
    })
}

fn alive_key(pid: u32) -> String {
    format!("{}:alive:{pid}", crate::ui::APP_ID)
}

/// Whether the page with this id still runs: it said so in the last few seconds.
pub fn process_running(pid: u32) -> bool {
    if pid == process_id() {
        return true;
    }
    let Some(store) = local_storage() else {
        return false;
    };
    let said = store.get_item(&alive_key(pid)).ok().flatten();
    said.and_then(|t| t.parse::<f64>().ok())
        .is_some_and(|t| js_sys::Date::now() - t < GONE_AFTER_MS)
}

/// Tells other pages this one still runs (at most every two seconds; called every frame).
pub fn heartbeat() {
    if WIPED.with(std::cell::Cell::get) {
        return;
    }
    let now = js_sys::Date::now();
    if now - LAST_BEAT.with(std::cell::Cell::get) < BEAT_MS {
        return;
    }
    LAST_BEAT.with(|t| t.set(now));
    if let Some(store) = local_storage() {
        let _ = store.set_item(&alive_key(process_id()), &now.to_string());
        // Other pages' words that are long stale are dropped, so the storage does not grow.
        let prefix = format!("{}:alive:", crate::ui::APP_ID);
        for key in keys(&store) {
            let stale = key.strip_prefix(&prefix).is_some_and(|pid| {
                store
                    .get_item(&key)
                    .ok()
                    .flatten()
                    .and_then(|t| t.parse::<f64>().ok())
                    .is_none_or(|t| now - t > 24.0 * 3600.0 * 1000.0)
                    && pid != process_id().to_string()
            });
            if stale {
                let _ = store.remove_item(&key);
            }
        }
    }
}

/// Forgets everything the app keeps in this browser (the autosaves, the preferences and
/// the window's memory), for a shared machine. Returns how many entries were removed.
pub fn wipe_storage() -> usize {
    WIPED.with(|w| w.set(true));
    let Some(store) = local_storage() else {
        return 0;
    };
    let prefix = format!("{}:", crate::ui::APP_ID);
    let doomed: Vec<String> = keys(&store)
        .into_iter()
        .filter(|k| k.starts_with(&prefix) || k == "egui_memory_ron" || k == "app")
        .collect();
    for key in &doomed {
        let _ = store.remove_item(key);
    }
    doomed.len()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn keys(store: &web_sys::Storage) -> Vec<String> {
    (0..store.length().unwrap_or(0))
        .filter_map(|i| store.key(i).ok().flatten())
        .collect()
}

/// The autosave's files, kept in the page's `localStorage` under [`storage_key`], each with
/// the time it was written under the same key and `#saved`.
pub mod storage {
    use super::*;
    use crate::scenario::FileError;

    fn store() -> io::Result<web_sys::Storage> {
        local_storage().ok_or_else(|| {
            io::Error::other("this browser keeps no storage for the page (a private window?)")
        })
    }

    fn failed(e: JsValue) -> io::Error {
        io::Error::other(format!(
            "the browser's storage refused it (is it full? File > Forget the work kept in \
             this browser frees it): {}",
            js_error(&e)
        ))
    }

    fn saved_key(path: &Path) -> String {
        format!("{}#saved", storage_key(path))
    }

    /// The files in `dir`, by path.
    pub fn list(dir: &Path) -> Vec<PathBuf> {
        let Ok(store) = store() else {
            return Vec::new();
        };
        let prefix = storage_key(&dir.join(""));
        keys(&store)
            .into_iter()
            .filter_map(|k| {
                let name = k.strip_prefix(&prefix)?;
                (!name.contains('/') && !name.ends_with("#saved")).then(|| dir.join(name))
            })
            .collect()
    }

    pub fn read_to_string(path: &Path) -> io::Result<String> {
        store()?
            .get_item(&storage_key(path))
            .map_err(failed)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    pub fn read_text(path: &Path) -> Result<String, FileError> {
        let name = path.display().to_string();
        read_to_string(path).map_err(|e| {
            FileError::whole(
                crate::scenario::DiagnosticKind::Unreadable,
                &name,
                e.to_string(),
                None,
            )
        })
    }

    /// Writes the file whole (the browser's storage writes one key at a time).
    pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| io::Error::other("only text is kept in the browser's storage"))?;
        let store = store()?;
        store.set_item(&storage_key(path), text).map_err(failed)?;
        let _ = store.set_item(&saved_key(path), &js_sys::Date::now().to_string());
        Ok(())
    }

    /// Makes a new file; fails with [`io::ErrorKind::AlreadyExists`] if there is one.
    pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
        if exists(path) {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        write(path, bytes)
    }

    pub fn remove(path: &Path) -> io::Result<()> {
        let store = store()?;
        let _ = store.remove_item(&saved_key(path));
        store.remove_item(&storage_key(path)).map_err(failed)
    }

    pub fn exists(path: &Path) -> bool {
        read_to_string(path).is_ok()
    }

    pub fn modified(path: &Path) -> Option<SystemTime> {
        let store = store().ok()?;
        let ms: f64 = store.get_item(&saved_key(path)).ok()??.parse().ok()?;
        Some(web_time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64))
    }
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

fn js_error(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The file named by the page's `?open=` link, if any: a path relative to the page.
fn linked_file() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("open").filter(|p| !p.trim().is_empty())
}

/// Fetches a file hosted beside the page. Only relative paths: the page opens its own
/// site's files, not any address a link names.
async fn fetch_linked(path: String) {
    let text = if path.contains("://") || path.starts_with("//") || path.starts_with('/') {
        Err(format!(
            "{path}: a link opens a file beside the app, by a relative path such as \
             ?open=exercises/mali-class.exercise.ron"
        ))
    } else {
        fetch_text(&path).await
    };
    let folder = Path::new(&path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let batch = GivenFiles {
        files: vec![GivenFile { name: path, text }],
    };
    give(with_named_scenarios(batch, &folder).await);
}

async fn fetch_text(path: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|e| format!("{path} could not be fetched: {}", js_error(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{path} could not be fetched"))?;
    if !response.ok() {
        return Err(format!(
            "{path} could not be fetched: the server answered {} {} (is the file beside the \
             app, under that name?)",
            response.status(),
            response.status_text()
        ));
    }
    let text = response
        .text()
        .map_err(|e| format!("{path} could not be read: {}", js_error(&e)))?;
    wasm_bindgen_futures::JsFuture::from(text)
        .await
        .map_err(|e| format!("{path} could not be read: {}", js_error(&e)))?
        .as_string()
        .ok_or_else(|| format!("{path} is not a text file"))
}

/// Runs the app on the page's canvas; called by the web build's `main`.
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        let canvas = document()
            .ok()
            .and_then(|d| d.get_element_by_id(CANVAS_ID))
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else {
            web_sys::console::error_1(&"Sandtable: the page has no canvas #sandtable".into());
            return;
        };
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(|cc| {
                    CONTEXT.with(|c| *c.borrow_mut() = Some(cc.egui_ctx.clone()));
                    Ok(Box::new(crate::ui::SandtableApp::new(cc, None)))
                }),
            )
            .await;
        match started {
            Ok(()) => {
                loaded();
                if let Some(path) = linked_file() {
                    fetch_linked(path).await;
                }
            }
            Err(e) => {
                web_sys::console::error_1(&e);
                show_failure(&js_error(&e));
            }
        }
    });
}

/// Takes the page's "Loading…" text away.
fn loaded() {
    if let Some(loading) = document().ok().and_then(|d| d.get_element_by_id("loading")) {
        loading.remove();
    }
}

/// Says on the page why the app could not start (no WebGL, most often).
fn show_failure(message: &str) {
    if let Some(loading) = document().ok().and_then(|d| d.get_element_by_id("loading")) {
        loading.set_text_content(Some(&format!(
            "Sandtable could not start in this browser: {message}. It needs WebGL; try an \
             up-to-date Chrome, Edge or Firefox."
        )));
    }
}

/// Runs `runs` futures of the built-in scenario from its first week along its reference
/// path `path` (none: no choices), in slices of the app's size on this thread as the
/// What-if tab does in a browser, and returns `{ seconds, slices, json }`: the time taken,
/// the slices, and the result as `sandtable ensemble --json` prints it. For the end-to-end
/// tests, which compare it with the desktop's to the last digit, and for timing.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run_futures_check(runs: usize, seed: u32, path: Option<String>) -> Result<JsValue, JsValue> {
    use crate::sim::ensemble::{Bands, Control, EnsembleError, Options, Plan, Start, run_ensemble};
    let model = crate::scenario::default_model().map_err(|e| JsValue::from_str(&e.to_string()))?;
    let plan = match &path {
        Some(id) => {
            Plan::path(&model, id).ok_or_else(|| JsValue::from_str(&format!("no path {id}")))?
        }
        None => Plan::hold_course(),
    };
    let overrides = crate::sim::Overrides::none(&model);
    let start = Start::beginning(&model, u64::from(seed), &overrides);
    let options = Options {
        runs,
        threads: 1,
        bands: Bands::All,
        ledger: false,
    };
    let slices = crate::sim::slices::Slices::new();
    let started = now_seconds();
    let mut count = 0;
    let ensemble = loop {
        count += 1;
        match slices.run(SLICE_RUNS, || {
            run_ensemble(&start, &plan, &options, &Control::default())
        }) {
            Err(EnsembleError::Paused) => continue,
            other => break other.map_err(|e| JsValue::from_str(&e.to_string()))?,
        }
    };
    let seconds = now_seconds() - started;
    let json = crate::cli::ensemble_json(&model, &ensemble, path.as_deref());
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"seconds".into(), &seconds.into())?;
    js_sys::Reflect::set(&out, &"slices".into(), &(count as f64).into())?;
    js_sys::Reflect::set(&out, &"json".into(), &json.into())?;
    Ok(out.into())
}

/// Runs a slice of [`run_futures_check`] takes: about what one frame's slice of the app
/// takes on a school laptop.
const SLICE_RUNS: usize = 128;
