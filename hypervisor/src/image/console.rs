//! The board's real PL011 UART, polled: the accepted map's first `Pl011`
//! (QEMU virt: `uart0` at 0x0900_0000).
use core::fmt::{self, Write};
use core::ptr::{read_volatile, write_volatile};

use programs::KindInfo;
use programs::board::{ACCEPTED, Pl011};
use spin::Mutex;

/// Physical address of the board's UART (mapped as device memory at EL2):
/// the first `Pl011` of the accepted map, a trapped kind, so partitions see
/// it only through their emulated instances and its interrupt is never
/// routed to one (`InterruptsRouted` routes passed-through devices' only).
pub const UART_BASE: usize = {
    let devices = ACCEPTED.devices();
    let mut i = 0;
    while i < devices.len() && !devices[i].kind().is(&KindInfo::of::<Pl011>()) {
        i += 1;
    }
    assert!(
        i < devices.len(),
        "the hypervisor's console is the accepted map's first Pl011: add one to the board's `devices!`"
    );
    assert!(
        matches!(devices[i].kind().access(), programs::KindAccess::Trapped),
        "the hypervisor's console Pl011 must be trapped: a passed-through UART belongs to one partition"
    );
    devices[i].base() as usize
};
const DR: usize = 0x000;
const FR: usize = 0x018;
const FR_TXFF: u32 = 1 << 5;

pub struct Pl011Uart {
    base: usize,
}

impl Pl011Uart {
    fn put(&mut self, b: u8) {
        // SAFETY: `base` is the board's PL011, identity-mapped as Device memory at
        // EL2; FR and DR are 32-bit registers at these offsets. Polling FR.TXFF
        // before writing DR is the documented transmit protocol.
        unsafe {
            while read_volatile((self.base + FR) as *const u32) & FR_TXFF != 0 {
                core::hint::spin_loop();
            }
            write_volatile((self.base + DR) as *mut u32, b as u32);
        }
    }
}

impl Write for Pl011Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.put(b'\r');
            }
            self.put(b);
        }
        Ok(())
    }
}

static CONSOLE: Mutex<Pl011Uart> = Mutex::new(Pl011Uart { base: UART_BASE });

/// Print under the console lock.
pub fn print(args: fmt::Arguments<'_>) {
    // The UART never refuses a byte; an `Err` can only come from a `Display`
    // impl inside `args`, and the console is where it would be reported.
    CONSOLE.lock().write_fmt(args).unwrap_or(());
}

/// Print without waiting for the lock (fatal paths: the lock may be held by the
/// code that failed).
pub fn emergency(args: fmt::Arguments<'_>) {
    let mut u = Pl011Uart { base: UART_BASE };
    u.write_fmt(args).unwrap_or(()); // as in `print`
}

/// The sink for `hypervisor::log` (one line per call).
pub fn log_sink(args: fmt::Arguments<'_>) {
    let mut c = CONSOLE.lock();
    c.write_fmt(args).unwrap_or(()); // as in `print`
    c.write_str("\n").unwrap_or(());
}

#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => { $crate::image::console::print(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! kprintln {
    () => { $crate::image::console::print(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::image::console::print(format_args!("{}\n", format_args!($($arg)*))) };
}
