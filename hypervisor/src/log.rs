//! A log sink for the pure logic (transition handlers, reports). The image
//! installs the console; host tests install a capturing sink or nothing.
use core::fmt;
use core::sync::atomic::{AtomicPtr, Ordering};

/// Where log lines go: one call per line, without the trailing newline.
pub type Sink = fn(fmt::Arguments<'_>);

fn discard(_: fmt::Arguments<'_>) {}

static SINK: AtomicPtr<()> = AtomicPtr::new(discard as *mut ());

/// Install the sink (the image does this once the console is up).
pub fn set_sink(sink: Sink) {
    SINK.store(sink as *mut (), Ordering::Release);
}

/// Write one line to the installed sink.
pub fn line(args: fmt::Arguments<'_>) {
    let p = SINK.load(Ordering::Acquire);
    // SAFETY: SINK only ever holds values stored by `set_sink` or its
    // initialiser, all of which are `Sink` function pointers cast to `*mut ()`;
    // casting back to the same fn-pointer type is sound.
    let f: Sink = unsafe { core::mem::transmute::<*mut (), Sink>(p) };
    f(args)
}

/// `hlog!("fmt", args..)`: one line to the installed sink.
#[macro_export]
macro_rules! hlog {
    ($($arg:tt)*) => { $crate::log::line(format_args!($($arg)*)) };
}
