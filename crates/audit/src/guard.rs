//! Calls into a framework that may panic: an audit reports a panic as a
//! check's status and goes on to the next check.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What went wrong in one call into a framework.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault<E> {
    /// The call returned an error.
    Error(E),
    /// The framework panicked, with this message.
    Panic(String),
}

/// Runs `f`, turning an error into [`Fault::Error`] and a panic into
/// [`Fault::Panic`] with the panic's message.
///
/// ```
/// use backprop_audit::{Fault, guarded};
///
/// assert_eq!(guarded(|| Ok::<_, String>(2)), Ok(2));
/// assert_eq!(guarded(|| Err::<i32, _>("no".to_string())), Err(Fault::Error("no".to_string())));
/// let panicked = guarded(|| -> Result<i32, String> { panic!("index {} out of range", 3) });
/// assert_eq!(panicked, Err(Fault::Panic("index 3 out of range".to_string())));
/// ```
pub fn guarded<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<T, Fault<E>> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Fault::Error(e)),
        Err(payload) => Err(Fault::Panic(panic_message(payload.as_ref()))),
    }
}

/// A panic's message, from its payload.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}
