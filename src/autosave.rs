//! The autosave store: every session's latest state, kept in a folder of its own so that no
//! student loses work to a crash, a second window or a session replaced by mistake.
//!
//! Each session gets its own autosave file (`TIME-PID-N.session.ron`), written after every
//! change, and a lock beside it (`….lock`, holding the process id) while its app runs. A
//! session replaced or an app closed releases its lock: the file stays in the history. A
//! lock whose process is gone marks a crash: its session is offered back, and it is never
//! overwritten, whatever the user does first. Two windows write two files; two crashes in a
//! row leave two files. Only the oldest released files beyond [`HISTORY`] are removed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use web_time::{SystemTime, UNIX_EPOCH};

use crate::files::remove_stale_temporaries;
use crate::platform::{self, storage};
use crate::scenario::FileError;
use crate::session::{SaveError, Session};

/// Released autosaves kept, newest first; older ones are removed.
pub const HISTORY: usize = 10;
/// The autosave files' ending.
const EXTENSION: &str = ".session.ron";
/// A lock's ending, beside its autosave file.
const LOCK: &str = ".lock";

/// An autosave found in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    /// When it was last written.
    pub saved: Option<SystemTime>,
    pub state: EntryState,
}

/// Whose an autosave is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    /// Written by an app that did not close: offered back until the user chooses.
    Crashed,
    /// The session of another window that is still open.
    InUse,
    /// A session that was replaced or closed normally.
    Released,
}

/// What an autosave holds, for the user to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub entry: Entry,
    pub scenario: String,
    pub branch: String,
    /// The week being decided (0-based turns played before it) and the scenario's length.
    pub cursor: usize,
    pub turns: usize,
}

/// One app's autosaves in a store folder.
#[derive(Debug)]
pub struct AutosaveStore {
    dir: PathBuf,
    /// The process id written in this app's locks.
    owner: u32,
    /// The current session's autosave file, once written.
    current: Option<PathBuf>,
}

impl AutosaveStore {
    /// The store in `dir` (created when first written), owned by this process.
    pub fn new(dir: PathBuf) -> Self {
        Self::with_owner(dir, platform::process_id())
    }

    /// The store as a process with id `owner` would use it; a test gives the id of a process
    /// that is gone to leave behind what a crash leaves.
    pub fn with_owner(dir: PathBuf, owner: u32) -> Self {
        remove_stale_temporaries(&dir);
        Self {
            dir,
            owner,
            current: None,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current session's autosave file, once written.
    pub fn current(&self) -> Option<&Path> {
        self.current.as_deref()
    }

    /// Writes the current session to its own autosave file (made and locked on the first
    /// write).
    pub fn save(&mut self, session: &Session) -> Result<(), SaveError> {
        let path = match &self.current {
            Some(path) => path.clone(),
            None => {
                let path = self.claim().map_err(|e| SaveError {
                    path: self.dir.display().to_string(),
                    message: e.to_string(),
                })?;
                self.current = Some(path.clone());
                path
            }
        };
        storage::write(&path, session.to_ron().as_bytes()).map_err(|e| SaveError {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// A new autosave file name, locked by this app.
    fn claim(&self) -> io::Result<PathBuf> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let stem = format!("{seconds}-{}-{n}", self.owner);
            let path = self.dir.join(format!("{stem}{EXTENSION}"));
            let lock = lock_path(&path);
            if storage::exists(&path) {
                continue;
            }
            match storage::create_new(&lock, self.owner.to_string().as_bytes()) {
                Ok(()) => return Ok(path),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The current session is done with (replaced, or the app closes): its autosave goes to
    /// the history, and the next session gets a file of its own. Trims the history.
    pub fn release(&mut self) {
        if let Some(path) = self.current.take() {
            let _ = storage::remove(&lock_path(&path));
        }
        self.trim();
    }

    /// The user has chosen what to do with a crashed session (restored or dismissed it):
    /// it is no longer offered, and stays in the history.
    pub fn resolve(&self, path: &Path) {
        if Some(path) != self.current.as_deref() && self.state_of(path) == EntryState::Crashed {
            let _ = storage::remove(&lock_path(path));
        }
    }

    /// Every autosave but the current session's, newest first.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = storage::list(&self.dir)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with(EXTENSION))
            })
            .filter(|p| Some(p.as_path()) != self.current.as_deref())
            .map(|path| Entry {
                saved: storage::modified(&path),
                state: self.state_of(&path),
                path,
            })
            .collect();
        entries.sort_by(|a, b| b.saved.cmp(&a.saved).then_with(|| b.path.cmp(&a.path)));
        entries
    }

    /// The autosaves of apps that crashed, newest first.
    pub fn crashed(&self) -> Vec<Entry> {
        let mut entries = self.entries();
        entries.retain(|e| e.state == EntryState::Crashed);
        entries
    }

    fn state_of(&self, path: &Path) -> EntryState {
        match storage::read_to_string(&lock_path(path)) {
            Err(_) => EntryState::Released,
            Ok(pid) => match pid.trim().parse::<u32>() {
                Ok(pid) if pid == self.owner || platform::process_running(pid) => EntryState::InUse,
                _ => EntryState::Crashed,
            },
        }
    }

    /// Removes the oldest released autosaves beyond [`HISTORY`]. Crashed sessions and those
    /// of open windows are never removed.
    fn trim(&self) {
        let released = self
            .entries()
            .into_iter()
            .filter(|e| e.state == EntryState::Released);
        for old in released.skip(HISTORY) {
            let _ = storage::remove(&old.path);
        }
    }

    /// The session an autosave holds.
    pub fn load(path: &Path) -> Result<Session, FileError> {
        let name = path.display().to_string();
        Session::from_ron(&name, &storage::read_text(path)?)
    }

    /// Reads what an autosave holds.
    pub fn summary(entry: &Entry) -> Result<(Summary, Session), FileError> {
        let session = Self::load(&entry.path)?;
        let summary = Summary {
            entry: entry.clone(),
            scenario: session.model().scenario.title.clone(),
            branch: session.active_branch().name.clone(),
            cursor: session.cursor(),
            turns: session.model().turns(),
        };
        Ok((summary, session))
    }
}

/// Moves the single autosave of earlier versions (`autosave.session.ron`, and
/// `recovered.session.ron` kept after a crash, in `old_dir`) into the store at `dir`, where
/// File > Recover lists them.
pub fn adopt_earlier_autosaves(old_dir: &Path, dir: &Path) {
    for name in ["recovered", "autosave"] {
        let old = old_dir.join(format!("{name}{EXTENSION}"));
        if old.is_file() && fs::create_dir_all(dir).is_ok() {
            let _ = fs::rename(&old, dir.join(format!("0-0-{name}{EXTENSION}")));
        }
    }
    let _ = fs::remove_file(old_dir.join("running"));
}

fn lock_path(autosave: &Path) -> PathBuf {
    let mut name = autosave.as_os_str().to_owned();
    name.push(LOCK);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::session::Command;

    /// A process id no running process has.
    const GONE: u32 = u32::MAX;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sandtable-autosave-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn tiny() -> Session {
        let text = include_str!("../tests/data/tiny.ron");
        Session::new(scenario::load_str("tiny.ron", text).expect("tiny scenario loads"))
    }

    fn played(weeks: usize) -> Session {
        let mut s = tiny();
        for _ in 0..weeks {
            s.apply(Command::Commit).unwrap();
        }
        s
    }

    fn text_of(entry: &Entry) -> String {
        Session::load(&entry.path).unwrap().to_ron()
    }

    #[test]
    fn two_windows_write_two_files_and_leave_each_other_alone() {
        let dir = temp_dir("two");
        let mut first = AutosaveStore::new(dir.clone());
        let mut second = AutosaveStore::new(dir.clone());
        first.save(&played(1)).unwrap();
        second.save(&played(2)).unwrap();
        first.save(&played(3)).unwrap();
        assert_ne!(first.current(), second.current());
        let first_file = Session::load(first.current().unwrap()).unwrap();
        assert_eq!(first_file.to_ron(), played(3).to_ron());
        // Each sees the other's session as in use, never as a crash to restore.
        assert_eq!(first.crashed(), Vec::new());
        let seen = second.entries();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].state, EntryState::InUse);
        assert_eq!(text_of(&seen[0]), played(3).to_ron());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn two_crashes_in_a_row_lose_nothing() {
        let dir = temp_dir("crashes");
        // Two runs die one after the other, each before anything was chosen.
        let mut crashed = AutosaveStore::with_owner(dir.clone(), GONE);
        crashed.save(&played(4)).unwrap();
        let mut next = AutosaveStore::with_owner(dir.clone(), GONE - 1);
        assert_eq!(next.crashed().len(), 1);
        next.save(&played(1)).unwrap();
        next.save(&played(2)).unwrap();

        let third = AutosaveStore::new(dir.clone());
        let offered = third.crashed();
        assert_eq!(offered.len(), 2);
        let mut texts: Vec<String> = offered.iter().map(text_of).collect();
        texts.sort();
        let mut expected = vec![played(4).to_ron(), played(2).to_ron()];
        expected.sort();
        assert_eq!(texts, expected);

        // Choosing one resolves it; it stays in the history, the other is still offered.
        third.resolve(&offered[0].path);
        assert_eq!(third.crashed().len(), 1);
        assert_eq!(third.entries().len(), 2);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_replaced_session_goes_to_the_history_and_the_next_gets_its_own_file() {
        let dir = temp_dir("replaced");
        let mut store = AutosaveStore::new(dir.clone());
        store.save(&played(3)).unwrap();
        let old = store.current().unwrap().to_path_buf();
        store.release();
        assert_eq!(store.current(), None);
        store.save(&played(1)).unwrap();
        assert_ne!(store.current(), Some(old.as_path()));
        let entries = store.entries();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].path, old);
        assert_eq!(entries[0].state, EntryState::Released);
        let (summary, _) = AutosaveStore::summary(&entries[0]).unwrap();
        assert_eq!((summary.cursor, summary.turns), (3, 4));
        assert_eq!(summary.branch, "Main");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_single_autosave_of_earlier_versions_is_listed() {
        let old = temp_dir("earlier");
        fs::create_dir_all(&old).unwrap();
        played(2).save(&old.join("autosave.session.ron")).unwrap();
        fs::write(old.join("running"), "4294967295").unwrap();
        let dir = old.join("autosaves");
        adopt_earlier_autosaves(&old, &dir);
        let store = AutosaveStore::new(dir);
        let entries = store.entries();
        assert_eq!(entries.len(), 1);
        assert_eq!(text_of(&entries[0]), played(2).to_ron());
        assert!(!old.join("running").exists());
        let _ = fs::remove_dir_all(&old);
    }

    #[test]
    fn the_history_keeps_the_newest_and_every_crash() {
        let dir = temp_dir("history");
        let mut crashed = AutosaveStore::with_owner(dir.clone(), GONE);
        crashed.save(&played(4)).unwrap();
        let mut store = AutosaveStore::new(dir.clone());
        for i in 0..HISTORY + 3 {
            store.save(&played(i % 4)).unwrap();
            store.release();
        }
        let entries = store.entries();
        let released = entries
            .iter()
            .filter(|e| e.state == EntryState::Released)
            .count();
        assert_eq!(released, HISTORY);
        assert_eq!(store.crashed().len(), 1);
        assert_eq!(text_of(&store.crashed()[0]), played(4).to_ron());
        let _ = fs::remove_dir_all(&dir);
    }
}
