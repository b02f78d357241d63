//! PL031 real-time clock model. Time comes from the generic timer: seconds =
//! `epoch + CNTPCT / CNTFRQ` (+ whatever the guest loaded into LR).
use super::{Access, DevError, Env, Outcome};
use crate::esr::Width;

pub const DR: u64 = 0x000;
pub const MR: u64 = 0x004;
pub const LR: u64 = 0x008;
pub const CR: u64 = 0x00C;
pub const IMSC: u64 = 0x010;
pub const RIS: u64 = 0x014;
pub const MIS: u64 = 0x018;
pub const ICR: u64 = 0x01C;

const ID: [u32; 8] = [0x31, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pl031 {
    /// Seconds at counter zero.
    epoch: u64,
    /// Added to the counter-derived time (set by writing LR).
    delta: i64,
    lr: u32,
    mr: u32,
    imsc: u32,
    ris: u32,
}

impl Pl031 {
    pub const fn new(epoch: u64) -> Self {
        Self {
            epoch,
            delta: 0,
            lr: 0,
            mr: 0,
            imsc: 0,
            ris: 0,
        }
    }

    /// Counter-derived seconds (no guest adjustment).
    pub const fn base_seconds(&self, env: &Env) -> u64 {
        let secs = match env.counter.checked_div(env.freq) {
            Some(s) => s,
            None => 0,
        };
        self.epoch + secs
    }

    /// The value DR reads now.
    pub const fn now(&self, env: &Env) -> u32 {
        (self.base_seconds(env) as i64 + self.delta) as u32
    }

    /// 32-bit accesses only (the PL031 is a 32-bit APB peripheral).
    pub fn access(&mut self, offset: u64, width: Width, access: Access, env: &Env) -> Result<Outcome, DevError> {
        match width {
            Width::B4 => {}
            Width::B1 | Width::B2 | Width::B8 => {
                return Err(DevError::UnsupportedWidth {
                    offset,
                    width,
                    allowed: "32 bits",
                });
            }
        }
        if self.mr == self.now(env) {
            self.ris = 1;
        }
        match access {
            Access::Read => Ok(Outcome::Read(match offset {
                DR => self.now(env),
                MR => self.mr,
                LR => self.lr,
                CR => 1, // the RTC runs from reset
                IMSC => self.imsc,
                RIS => self.ris,
                MIS => self.ris & self.imsc,
                ICR => 0,
                0xFE0..=0xFFC if offset & 3 == 0 => ID[((offset - 0xFE0) / 4) as usize],
                _ => return Err(DevError::UnknownRegister { offset }),
            } as u64)),
            Access::Write(v) => {
                let v = v as u32;
                match offset {
                    DR | RIS | MIS => {} // read-only
                    MR => self.mr = v,
                    LR => {
                        self.lr = v;
                        self.delta = v as i64 - self.base_seconds(env) as i64;
                    }
                    CR => {} // writing 0 cannot stop it; 1 is already set
                    IMSC => self.imsc = v & 1,
                    ICR => self.ris &= !(v & 1),
                    0xFE0..=0xFFC if offset & 3 == 0 => {}
                    _ => return Err(DevError::UnknownRegister { offset }),
                }
                Ok(Outcome::Written)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(r: &mut Pl031, off: u64, env: &Env) -> u64 {
        match r.access(off, Width::B4, Access::Read, env) {
            Ok(Outcome::Read(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn time_from_counter_and_frequency() {
        let mut r = Pl031::new(1_700_000_000);
        let env = Env {
            counter: 62_500_000 * 5 + 3,
            freq: 62_500_000,
        };
        assert_eq!(read(&mut r, DR, &env), 1_700_000_005);
        let later = Env {
            counter: 62_500_000 * 65,
            freq: 62_500_000,
        };
        assert_eq!(read(&mut r, DR, &later), 1_700_000_065);
        assert_eq!(read(&mut r, CR, &env), 1);
        // No frequency: the counter part is zero, not a division fault.
        assert_eq!(read(&mut r, DR, &Env { counter: 5, freq: 0 }), 1_700_000_000);
    }

    #[test]
    fn load_register_sets_time() {
        let mut r = Pl031::new(100);
        let env = Env { counter: 10, freq: 1 };
        r.access(LR, Width::B4, Access::Write(5000), &env).unwrap();
        assert_eq!(read(&mut r, LR, &env), 5000);
        assert_eq!(read(&mut r, DR, &env), 5000);
        assert_eq!(read(&mut r, DR, &Env { counter: 17, freq: 1 }), 5007);
        // DR is read-only.
        r.access(DR, Width::B4, Access::Write(1), &env).unwrap();
        assert_eq!(read(&mut r, DR, &env), 5000);
    }

    #[test]
    fn alarm_match_raises_ris() {
        let mut r = Pl031::new(0);
        let env = Env { counter: 10, freq: 1 };
        r.access(MR, Width::B4, Access::Write(12), &env).unwrap();
        r.access(IMSC, Width::B4, Access::Write(1), &env).unwrap();
        assert_eq!(read(&mut r, RIS, &env), 0);
        let at = Env { counter: 12, freq: 1 };
        assert_eq!(read(&mut r, MIS, &at), 1);
        r.access(ICR, Width::B4, Access::Write(1), &Env { counter: 13, freq: 1 })
            .unwrap();
        assert_eq!(read(&mut r, RIS, &Env { counter: 13, freq: 1 }), 0);
    }

    #[test]
    fn ids_widths_unknown() {
        let mut r = Pl031::new(0);
        let env = Env { counter: 0, freq: 1 };
        assert_eq!(read(&mut r, 0xFE0, &env), 0x31);
        assert_eq!(read(&mut r, 0xFFC, &env), 0xB1);
        assert_eq!(
            r.access(DR, Width::B8, Access::Read, &env),
            Err(DevError::UnsupportedWidth {
                offset: 0,
                width: Width::B8,
                allowed: "32 bits"
            })
        );
        assert_eq!(
            r.access(DR, Width::B1, Access::Read, &env),
            Err(DevError::UnsupportedWidth {
                offset: 0,
                width: Width::B1,
                allowed: "32 bits"
            })
        );
        assert_eq!(
            r.access(0x20, Width::B4, Access::Read, &env),
            Err(DevError::UnknownRegister { offset: 0x20 })
        );
    }
}
