//! What one emulated command produced: its standard output, standard error and exit
//! status.

/// The result of one emulated command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status: 0 for success.
    pub status: i32,
}

impl Output {
    /// A success that printed `stdout`.
    pub fn ok(stdout: impl Into<String>) -> Self {
        Self {
            stdout: stdout.into(),
            ..Self::default()
        }
    }

    /// A failure (exit status 1) that printed `stderr`.
    pub fn fail(stderr: impl Into<String>) -> Self {
        Self {
            stderr: stderr.into(),
            status: 1,
            ..Self::default()
        }
    }

    /// Whether the command succeeded.
    pub fn success(&self) -> bool {
        self.status == 0
    }

    /// Appends another command's output (for commands that act on several objects in
    /// turn); the status becomes the first non-zero one.
    pub fn append(&mut self, other: Output) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
        if self.status == 0 {
            self.status = other.status;
        }
    }
}
