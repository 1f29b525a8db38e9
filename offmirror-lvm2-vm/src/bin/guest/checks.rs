//! Small helpers for writing checks.

use crate::Outcome;

/// Runs one named check, timing it.
pub fn check(name: &str, f: impl FnOnce() -> Result<(), String>) -> Outcome {
    println!("==== {name} ====");
    let started = std::time::Instant::now();
    let result = f();
    println!(
        "GUEST-FIGURE {name}.seconds {:.2}",
        started.elapsed().as_secs_f64()
    );
    (name.to_string(), result)
}

/// `Err(message)` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message()) }
}
