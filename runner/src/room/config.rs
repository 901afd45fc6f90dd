//! `.kata/room.toml`: the room this clone reports to, written by `cargo kata room join` and
//! removed by `room leave`. It holds the learner token, so it is readable by its owner only
//! (mode 0600) and replaced atomically: a reader sees the old file or the new one, never a mix.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::room::error::RoomError;

/// The file's name under `.kata/`.
pub const FILE: &str = "room.toml";

/// What `room join` stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The room's address, `http://host:port`.
    pub url: String,
    /// The learner's name, as the room registered it.
    pub name: String,
    /// The learner token the room issued (sent as `Authorization: Bearer`).
    pub token: String,
}

/// `<root>/.kata/room.toml`.
pub fn path(root: &Path) -> PathBuf {
    root.join(crate::state::STATE_DIR).join(FILE)
}

/// Whether this clone has joined a room (one `stat`; nothing is read).
pub fn exists(root: &Path) -> bool {
    path(root).is_file()
}

/// The room this clone reports to; `None` when it has joined none.
pub fn load(root: &Path) -> Result<Option<Config>, RoomError> {
    let path = path(root);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RoomError::io(format!("reading {}", path.display()), e)),
    };
    let config: Config = toml::from_str(&text).map_err(|e| RoomError::Config {
        path: path.clone(),
        why: e.message().to_string(),
    })?;
    if !token_is_safe(&config.token) {
        return Err(RoomError::Config {
            path,
            why: "the token is not a token".into(),
        });
    }
    Ok(Some(config))
}

/// Whether `token` can go into a header as it is: visible ASCII, no spaces, not empty.
pub fn token_is_safe(token: &str) -> bool {
    !token.is_empty() && token.len() <= 256 && token.bytes().all(|b| b.is_ascii_graphic())
}

/// Writes the file atomically, readable by its owner only.
pub fn save(root: &Path, config: &Config) -> Result<(), RoomError> {
    let path = path(root);
    let dir = root.join(crate::state::STATE_DIR);
    let io = |what: &str, e| RoomError::io(format!("{what} {}", path.display()), e);
    crate::fsx::create_dir_all_durable(&dir).map_err(|e| io("creating the folder of", e))?;
    let text = toml::to_string(config).map_err(|e| RoomError::Config {
        path: path.clone(),
        why: e.to_string(),
    })?;
    let tmp = crate::interrupt::TempPath::register(dir.join(format!(
        ".{FILE}.kata-{}-{:016x}.tmp",
        std::process::id(),
        crate::interrupt::random_u64()
    )));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(tmp.path())?;
        // The mode above is filtered by the umask; the token must be the owner's alone.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        fs::rename(tmp.path(), &path)?;
        fs::File::open(&dir)?.sync_all()
    })();
    drop(tmp);
    written.map_err(|e| io("writing", e))
}

/// Forgets the room; `false` when there was none.
pub fn remove(root: &Path) -> Result<bool, RoomError> {
    let path = path(root);
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(RoomError::io(format!("removing {}", path.display()), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Config {
        Config {
            url: "http://127.0.0.1:7878".into(),
            name: "ada".into(),
            token: "0123456789abcdef0123456789abcdef".into(),
        }
    }

    #[test]
    fn a_saved_room_reads_back_and_only_its_owner_can_read_it() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        save(dir.path(), &sample()).unwrap();
        assert!(exists(dir.path()));
        assert_eq!(load(dir.path()).unwrap(), Some(sample()));
        let mode = fs::metadata(path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let names: Vec<_> = fs::read_dir(dir.path().join(".kata"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![FILE.to_string()], "no temporary file is left");
    }

    #[test]
    fn a_file_that_is_not_a_room_says_to_join_again() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".kata")).unwrap();
        fs::write(path(dir.path()), "url = 3").unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("join again"), "{e}");
    }

    #[test]
    fn removing_says_whether_there_was_a_room() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &sample()).unwrap();
        assert!(remove(dir.path()).unwrap());
        assert!(!remove(dir.path()).unwrap());
        assert!(!exists(dir.path()));
    }
}
