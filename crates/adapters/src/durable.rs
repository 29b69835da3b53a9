//! Append-only JSON-lines files that survive a crash: each line is flushed and fsynced before
//! the write returns, a torn last line is ended before the next one, and reading skips (and
//! reports) lines that cannot be read. The audit journal and the incident files use them.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Appends `value` as one JSON line and makes it durable (flush + fsync) before returning.
/// The file is created 0600 (it says who did what); a wider one is narrowed.
pub fn append_line(path: &Path, value: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_string(value).map_err(io::Error::other)?;
    line.push('\n');
    let mut file = open_for_append(path)?;
    if !ends_with_newline(path)? {
        // A crash left a torn line: end it, so this entry starts on a line of its own.
        line.insert(0, '\n');
    }
    append_whole(&mut file, line.as_bytes())?;
    file.sync_all()
}

/// A file that can be appended to and cut back.
trait Appendable: Write {
    fn length(&self) -> io::Result<u64>;
    fn cut_to(&mut self, length: u64) -> io::Result<()>;
}

impl Appendable for File {
    fn length(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn cut_to(&mut self, length: u64) -> io::Result<()> {
        self.set_len(length)
    }
}

/// Appends `bytes` whole or not at all: when the disk fills (or any write fails) part way,
/// the file is cut back to where it was, so no fragment is left for the next line to follow.
fn append_whole(file: &mut impl Appendable, bytes: &[u8]) -> io::Result<()> {
    let before = file.length()?;
    let written = file.write_all(bytes).and_then(|()| file.flush());
    if let Err(error) = written {
        if let Err(cut) = file.cut_to(before) {
            return Err(io::Error::new(
                error.kind(),
                format!("{error}; and the partial line could not be removed: {cut}"),
            ));
        }
        return Err(error);
    }
    Ok(())
}

/// Every readable line of `path` (none when it does not exist), and a warning for each line
/// that could not be read (a torn last line after a crash, or a damaged one).
pub fn read_lines<T: DeserializeOwned>(path: &Path) -> io::Result<(Vec<T>, Vec<String>)> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok((Vec::new(), Vec::new()));
        }
        Err(error) => return Err(error),
    };
    let mut values = Vec::new();
    let mut warnings = Vec::new();
    // Split on bytes: one line that is not UTF-8 (a damaged block) costs that line only.
    let lines: Vec<&[u8]> = bytes
        .strip_suffix(b"\n")
        .unwrap_or(&bytes)
        .split(|byte| *byte == b'\n')
        .collect();
    let torn_last = !bytes.is_empty() && !bytes.ends_with(b"\n");
    for (index, line) in lines.iter().enumerate() {
        let parsed = match std::str::from_utf8(line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => serde_json::from_str::<T>(text).map_err(|error| error.to_string()),
            Err(error) => Err(format!("not UTF-8 ({error})")),
        };
        match parsed {
            Ok(value) => values.push(value),
            Err(error) => {
                let what = if torn_last && index + 1 == lines.len() {
                    "torn last line (a crash mid-write?)"
                } else {
                    "unreadable line"
                };
                warnings.push(format!(
                    "{}:{}: skipped {what}: {error}",
                    path.display(),
                    index + 1
                ));
            }
        }
    }
    Ok((values, warnings))
}

/// Writes `text` to `path` whole or not at all (a temp file renamed over it), mode 0600.
pub fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("tmp");
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temp, path)
}

/// True for an empty or missing file or one whose last byte is a newline.
fn ends_with_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn open_for_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let permissions = file.metadata()?.permissions();
    if permissions.mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file on a disk that fills after `room` more bytes.
    struct FillingDisk {
        bytes: Vec<u8>,
        room: usize,
    }

    impl Write for FillingDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
            let taken = buf.len().min(self.room);
            self.bytes.extend_from_slice(&buf[..taken]);
            self.room -= taken;
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Appendable for FillingDisk {
        fn length(&self) -> io::Result<u64> {
            Ok(self.bytes.len() as u64)
        }

        fn cut_to(&mut self, length: u64) -> io::Result<()> {
            self.bytes
                .truncate(usize::try_from(length).map_err(io::Error::other)?);
            Ok(())
        }
    }

    #[test]
    fn a_disk_full_write_leaves_no_fragment() {
        let mut disk = FillingDisk {
            bytes: b"{\"first\":1}\n".to_vec(),
            room: 5,
        };
        let error = append_whole(&mut disk, b"{\"second\":2}\n").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert_eq!(disk.bytes, b"{\"first\":1}\n");
    }

    #[test]
    fn a_write_with_room_is_whole() {
        let mut disk = FillingDisk {
            bytes: Vec::new(),
            room: 100,
        };
        append_whole(&mut disk, b"{}\n").unwrap();
        assert_eq!(disk.bytes, b"{}\n");
    }
}
