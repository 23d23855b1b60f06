//! What `leyr` shows a person at a terminal, and nothing else: colours, and a spinner while a
//! command waits for Leyr.
//!
//! Colour codes are written only to a terminal, and never when `NO_COLOR` is set to a
//! non-empty value (<https://no-color.org>), as the sandbox does for its logs. The spinner is a
//! single line on stderr that appears once a request has been pending for
//! [`SHOW_AFTER`], and is erased before the answer or a log line is printed. It is never shown
//! when stderr is not a terminal, or under `--json`.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// The variable that turns colours off when set to anything but the empty string.
pub(crate) const NO_COLOR: &str = "NO_COLOR";

/// How long a request may be pending before the spinner appears.
pub(crate) const SHOW_AFTER: Duration = Duration::from_millis(300);

/// How often the spinner moves.
const TICK: Duration = Duration::from_millis(100);

/// The spinner's frames.
const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// What the spinner says.
const WAITING: &str = "waiting for Leyr…";

/// Whether the spinner's line is on the screen. Stderr is one per process, and so is the line
/// drawn on it; it is only read and written while stderr is locked.
static LINE_SHOWN: AtomicBool = AtomicBool::new(false);

/// Whether `NO_COLOR` asks for no colours: set, and not empty.
pub(crate) fn no_color_requested(value: Option<&OsStr>) -> bool {
    value.is_some_and(|value| !value.is_empty())
}

/// Whether colour codes may be written to a stream.
pub(crate) fn colours(is_terminal: bool, no_color: bool) -> bool {
    is_terminal && !no_color
}

/// How clap may colour its help and errors: never when `NO_COLOR` asks for none; otherwise
/// clap looks at each stream it writes to and colours only a terminal.
pub(crate) fn clap_colours(no_color: bool) -> clap::ColorChoice {
    if no_color {
        clap::ColorChoice::Never
    } else {
        clap::ColorChoice::Auto
    }
}

/// How the spinner looks, if it is shown at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpinnerLook {
    /// Not shown.
    Hidden,
    /// Shown without colour.
    Plain,
    /// Shown with a coloured frame.
    Coloured,
}

/// Whether to show the spinner, and how: only on a terminal and never under `--json`, where a
/// program reads the output; in colour unless `NO_COLOR` asks for none.
pub(crate) fn spinner_look(stderr_is_terminal: bool, json: bool, no_color: bool) -> SpinnerLook {
    if !stderr_is_terminal || json {
        SpinnerLook::Hidden
    } else if no_color {
        SpinnerLook::Plain
    } else {
        SpinnerLook::Coloured
    }
}

/// The spinner's line at `tick`, starting with a carriage return.
fn spinner_line(look: SpinnerLook, tick: usize) -> String {
    let frame = FRAMES[tick % FRAMES.len()];
    match look {
        SpinnerLook::Coloured => format!("\r\x1b[36m{frame}\x1b[0m {WAITING}"),
        SpinnerLook::Plain | SpinnerLook::Hidden => format!("\r{frame} {WAITING}"),
    }
}

/// What erases the spinner's line: blanks over it, with the cursor back at its start. No
/// escape codes, so that it works on any terminal.
fn erasure() -> String {
    let width = 2 + WAITING.chars().count();
    format!("\r{}\r", " ".repeat(width))
}

/// Shows a spinner on stderr while a future is pending, as [`spinner_look`] decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spinner {
    look: SpinnerLook,
}

impl Spinner {
    pub(crate) fn new(look: SpinnerLook) -> Self {
        Self { look }
    }

    /// Awaits `future`. If it is still pending after [`SHOW_AFTER`], the spinner turns until it
    /// completes, and is erased before its output is returned.
    pub(crate) async fn while_pending<F: Future>(self, future: F) -> F::Output {
        if self.look == SpinnerLook::Hidden {
            return future.await;
        }
        let mut future = std::pin::pin!(future);
        tokio::select! {
            biased;
            output = &mut future => return output,
            () = tokio::time::sleep(SHOW_AFTER) => {}
        }
        let mut ticks = tokio::time::interval(TICK);
        let mut tick: usize = 0;
        let output = loop {
            tokio::select! {
                biased;
                output = &mut future => break output,
                _ = ticks.tick() => {
                    draw(&spinner_line(self.look, tick));
                    tick = tick.wrapping_add(1);
                }
            }
        };
        erase(&mut io::stderr().lock());
        output
    }
}

/// Writes the spinner's line. A terminal that cannot be written to gets no spinner.
fn draw(line: &str) {
    let mut stderr = io::stderr().lock();
    if stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.flush())
        .is_ok()
    {
        LINE_SHOWN.store(true, Ordering::Relaxed);
    }
}

/// Erases the spinner's line if it is shown.
fn erase(stderr: &mut io::StderrLock<'static>) {
    if LINE_SHOWN.swap(false, Ordering::Relaxed) {
        let _ = stderr.write_all(erasure().as_bytes());
        let _ = stderr.flush();
    }
}

/// Stderr for logs: erases the spinner's line first, so that a log line starts at the left
/// edge; the spinner draws itself again on its next tick.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LogWriter;

impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = io::StderrLock<'static>;

    fn make_writer(&'a self) -> Self::Writer {
        let mut stderr = io::stderr().lock();
        erase(&mut stderr);
        stderr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_shows_only_on_a_terminal_and_never_under_json() {
        for (stderr_is_terminal, json, no_color, look) in [
            (true, false, false, SpinnerLook::Coloured),
            (true, false, true, SpinnerLook::Plain),
            (true, true, false, SpinnerLook::Hidden),
            (true, true, true, SpinnerLook::Hidden),
            (false, false, false, SpinnerLook::Hidden),
            (false, false, true, SpinnerLook::Hidden),
            (false, true, false, SpinnerLook::Hidden),
            (false, true, true, SpinnerLook::Hidden),
        ] {
            assert_eq!(
                spinner_look(stderr_is_terminal, json, no_color),
                look,
                "terminal {stderr_is_terminal}, json {json}, NO_COLOR {no_color}"
            );
        }
    }

    #[test]
    fn no_color_counts_only_when_not_empty() {
        assert!(!no_color_requested(None));
        assert!(!no_color_requested(Some(OsStr::new(""))));
        assert!(no_color_requested(Some(OsStr::new("1"))));
        assert!(no_color_requested(Some(OsStr::new("0"))));
    }

    #[test]
    fn colours_need_a_terminal_and_no_no_color() {
        assert!(colours(true, false));
        assert!(!colours(true, true));
        assert!(!colours(false, false));
        assert!(!colours(false, true));
        assert_eq!(clap_colours(true), clap::ColorChoice::Never);
        assert_eq!(clap_colours(false), clap::ColorChoice::Auto);
    }

    #[test]
    fn a_plain_spinner_has_no_escape_codes_and_its_erasure_covers_it() {
        let plain = spinner_line(SpinnerLook::Plain, 11);
        assert_eq!(plain, "\r⠙ waiting for Leyr…");
        assert!(!plain.contains('\x1b'));
        assert!(spinner_line(SpinnerLook::Coloured, 0).contains("\x1b[36m⠋\x1b[0m"));
        let erasure = erasure();
        assert!(!erasure.contains('\x1b'));
        assert_eq!(
            erasure.chars().filter(|c| *c == ' ').count(),
            plain.chars().count() - 1
        );
    }

    #[tokio::test]
    async fn a_quick_answer_never_shows_the_spinner() {
        let spinner = Spinner::new(SpinnerLook::Plain);
        assert_eq!(spinner.while_pending(async { 7 }).await, 7);
        assert!(!LINE_SHOWN.load(Ordering::Relaxed));
        let hidden = Spinner::new(SpinnerLook::Hidden);
        let slow = async {
            tokio::time::sleep(SHOW_AFTER * 2).await;
            8
        };
        assert_eq!(hidden.while_pending(slow).await, 8);
        assert!(!LINE_SHOWN.load(Ordering::Relaxed));
    }
}
