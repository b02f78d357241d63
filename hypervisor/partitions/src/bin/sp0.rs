//! sp0, the client: reports through its devices (trapped UART and RTC, the
//! passed-through GPIO controller), lists the partitions by
//! FFA_PARTITION_INFO_GET, takes an `svc` into its own EL1 vectors, and
//! calls sp1 by direct request, resuming it with FFA_RUN when preempted.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {}

#[cfg(target_os = "none")]
partitions::partition!(sp0::main);

#[cfg(target_os = "none")]
mod sp0 {
    use core::sync::atomic::{AtomicU64, Ordering};

    use aarch64_cpu::registers::*;
    use partitions::ffa::{self, Regs};
    use partitions::{cmd, println};
    use programs::KindInfo;
    use programs::board::{Pl031, Pl061};

    use super::{ID, ME};

    const SP1: u16 = partitions::id_of("sp1");

    /// RX/TX buffers for FFA_PARTITION_INFO_GET (one page each), written by
    /// the partition manager between the call and FFA_RX_RELEASE.
    #[repr(C, align(4096))]
    struct Page(core::cell::UnsafeCell<[u8; 4096]>);
    // SAFETY: one execution context: only this partition's one vCPU and the
    // partition manager (while the vCPU waits in its call) touch the pages.
    unsafe impl Sync for Page {}
    static RX: Page = Page(core::cell::UnsafeCell::new([0; 4096]));
    static TX: Page = Page(core::cell::UnsafeCell::new([0; 4096]));

    const GPIO: u64 = partitions::device_of(ME, &KindInfo::of::<Pl061>());
    /// PL061 registers: direction, interrupt sense, both edges, event,
    /// mask, masked status.
    const GPIODIR: u64 = 0x400;
    const GPIOIS: u64 = 0x404;
    const GPIOIEV: u64 = 0x40C;
    const GPIOIE: u64 = 0x410;
    const GPIOMIS: u64 = 0x418;
    /// The INTID the configuration routes to this partition (its GPIO's).
    const GPIO_INTID: u32 = ME.interrupts()[0];

    static GPIO_IRQS: AtomicU64 = AtomicU64::new(0);
    static GPIO_MIS: AtomicU64 = AtomicU64::new(0);

    fn gpio_write(off: u64, v: u32) {
        // SAFETY: a register of the GPIO controller passed through to this
        // partition (device memory in its stage 2 and in its own MMU).
        unsafe { core::ptr::write_volatile((GPIO + off) as *mut u32, v) }
    }

    fn gpio_read(off: u64) -> u32 {
        // SAFETY: as in `gpio_write`.
        unsafe { core::ptr::read_volatile((GPIO + off) as *const u32) }
    }

    /// The GPIO interrupt: note the status, mask it (a level interrupt
    /// stays asserted while the line is low).
    fn on_irq(intid: u32) {
        if intid != GPIO_INTID {
            println!("unexpected interrupt {intid}");
            return;
        }
        GPIO_MIS.store(gpio_read(GPIOMIS) as u64, Ordering::Relaxed);
        gpio_write(GPIOIE, 0);
        GPIO_IRQS.fetch_add(1, Ordering::Relaxed);
    }

    /// Pin 0 as an input, level-sensitive, active low: it reads low, so the
    /// controller interrupts as soon as the pin is unmasked.
    fn gpio_irq() -> ffa::Payload {
        GPIO_IRQS.store(0, Ordering::Relaxed);
        partitions::irq::enable(on_irq);
        gpio_write(GPIODIR, gpio_read(GPIODIR) & !1);
        gpio_write(GPIOIS, gpio_read(GPIOIS) | 1);
        gpio_write(GPIOIEV, gpio_read(GPIOIEV) & !1);
        gpio_write(GPIOIE, 1);
        let start = CNTVCT_EL0.get();
        let limit = CNTFRQ_EL0.get() / 20;
        while GPIO_IRQS.load(Ordering::Relaxed) == 0 && CNTVCT_EL0.get() - start < limit {
            core::hint::spin_loop();
        }
        partitions::irq::disable();
        gpio_write(GPIOIE, 0);
        let (n, mis) = (GPIO_IRQS.load(Ordering::Relaxed), GPIO_MIS.load(Ordering::Relaxed));
        println!(
            "gpio0 interrupt (INTID {GPIO_INTID}, routed to sp0 by the configuration) taken {n} time(s), GPIOMIS {mis:#x}"
        );
        [0, n, mis, 0, 0]
    }

    pub fn main(first: Regs) -> ! {
        partitions::install_vectors();
        let id = ffa::call(Regs([ffa::FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0]));
        let version = ffa::call(Regs([ffa::FFA_VERSION, ffa::VERSION_1_1 as u64, 0, 0, 0, 0, 0, 0]));
        println!(
            "Rust at EL{}, own MMU on (SCTLR_EL1.M), FF-A id {:#06x}, FF-A version {}.{}",
            CurrentEL.read(CurrentEL::EL),
            id.0[2],
            version.0[0] >> 16,
            version.0[0] & 0xffff
        );
        list_partitions();
        partitions::svc();
        println!("svc taken by its own EL1 vectors ({} so far)", partitions::svc_count());
        let gpio = const { partitions::device_of(ME, &KindInfo::of::<Pl061>()) };
        if gpio != 0 {
            // SAFETY: the GPIO controller is passed through to this partition
            // (mapped as device memory); PeriphID0 is a readable 32-bit register.
            let id0 = unsafe { core::ptr::read_volatile((gpio + 0xFE0) as *const u32) };
            println!("gpio0 (passed through) PeriphID0 = {id0:#x}");
        }
        partitions::serve(ID, first, handle)
    }

    fn list_partitions() {
        let map = ffa::call(Regs([
            ffa::FFA_RXTX_MAP_64,
            TX.0.get() as u64,
            RX.0.get() as u64,
            1,
            0,
            0,
            0,
            0,
        ]));
        if let Some(e) = map.as_error() {
            println!("FFA_RXTX_MAP failed: {e}");
            return;
        }
        let info = ffa::call(Regs([ffa::FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0]));
        if let Some(e) = info.as_error() {
            println!("FFA_PARTITION_INFO_GET failed: {e}");
            return;
        }
        let n = info.0[2] as usize;
        println!("FFA_PARTITION_INFO_GET: {n} partitions");
        // SAFETY: the partition manager wrote `n` descriptors into RX and
        // owns it no more until FFA_RX_RELEASE; nothing else writes it.
        let rx = unsafe { &*RX.0.get() };
        for k in 0..n {
            let d = ffa::PartitionInfo::read(
                rx[k * ffa::PARTITION_INFO_SIZE..(k + 1) * ffa::PARTITION_INFO_SIZE]
                    .try_into()
                    .expect("a descriptor is PARTITION_INFO_SIZE bytes"),
            );
            println!(
                "  partition {:#06x}: {} execution context(s), properties {:#x}, uuid {:02x}{:02x}{:02x}{:02x}-...",
                d.id, d.contexts, d.properties, d.uuid[0], d.uuid[1], d.uuid[2], d.uuid[3]
            );
        }
        ffa::call(Regs([ffa::FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0]));
    }

    fn handle(from: u16, p: ffa::Payload) -> ffa::Payload {
        match p[0] {
            cmd::HELLO => {
                let rtc = const { partitions::device_of(ME, &KindInfo::of::<Pl031>()) };
                // SAFETY: rtc0 is given to this partition (trapped and
                // emulated); its data register at offset 0 reads as 32 bits.
                let now = unsafe { core::ptr::read_volatile(rtc as *const u32) };
                println!(
                    "hello from {:#06x}: request from {from:#06x}, RTC says {now} s since 1970",
                    ID
                );
                [0, now as u64, 0, 0, 0]
            }
            cmd::GPIO_IRQ => gpio_irq(),
            cmd::SPIN => {
                partitions::spin_ms(p[1]);
                [0, 0, 0, 0, 0]
            }
            cmd::CALL => {
                let mut resumed = 0u64;
                match partitions::request(ID, SP1, [cmd::WORK, p[1], 0, 0, 0], || resumed += 1) {
                    Ok(r) => {
                        println!("sp1 answered {} (resumed it {resumed} times with FFA_RUN)", r[1]);
                        [0, r[1], resumed, 0, 0]
                    }
                    Err(e) => {
                        println!("direct request to sp1 failed: {e}");
                        [e.code(), 0, resumed, 0, 0]
                    }
                }
            }
            cmd::MARK_SECRETS => {
                // SAFETY: writes only this partition's own registers (all
                // FP/SIMD registers are caller-saved here: declared clobbered).
                unsafe {
                    core::arch::asm!(
                        "dup v0.2d, {s}", "dup v1.2d, {s}", "dup v2.2d, {s}", "dup v3.2d, {s}",
                        "dup v4.2d, {s}", "dup v5.2d, {s}", "dup v6.2d, {s}", "dup v7.2d, {s}",
                        "dup v16.2d, {s}", "dup v17.2d, {s}", "dup v18.2d, {s}", "dup v19.2d, {s}",
                        "dup v20.2d, {s}", "dup v21.2d, {s}", "dup v22.2d, {s}", "dup v23.2d, {s}",
                        "dup v24.2d, {s}", "dup v25.2d, {s}", "dup v26.2d, {s}", "dup v27.2d, {s}",
                        "dup v28.2d, {s}", "dup v29.2d, {s}", "dup v30.2d, {s}", "dup v31.2d, {s}",
                        s = in(reg) cmd::SECRET,
                        out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
                        out("v6") _, out("v7") _, out("v16") _, out("v17") _, out("v18") _, out("v19") _,
                        out("v20") _, out("v21") _, out("v22") _, out("v23") _, out("v24") _,
                        out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
                        out("v30") _, out("v31") _,
                        options(nomem, nostack)
                    )
                };
                TPIDR_EL1.set(cmd::SECRET);
                TPIDR_EL0.set(cmd::SECRET);
                println!("left {:#x} in v0-v7, v16-v31, TPIDR_EL1, TPIDR_EL0", cmd::SECRET);
                [0, 0, 0, 0, 0]
            }
            other => {
                println!("unknown command {other:#x}");
                [ffa::Error::NotSupported.code(), 0, 0, 0, 0]
            }
        }
    }
}
