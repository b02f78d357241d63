//! The value-level twin: the same rules as the type-level machine, run on
//! [`Val`]s. It counts ticks exactly as the type level does (one per
//! instruction, a jump included), so a budget means the same at both
//! levels, and it can trace every tick for `explain`.

use crate::machine::MAX_NOTES;
use crate::reason::{self, Reason, ReasonInfo};
use crate::reflect::{Dir, Item, Note, Op, Status, Verdict, Violations};
use crate::value::{Display, Val};

/// Most values the twin's stack holds (the type level has no such limit; a
/// program that needs more is outside the twin's domain and says so).
pub const STACK_CAP: usize = 256;

/// Words of memory (addresses 0..=255), as at the type level.
pub const MEMORY_WORDS: usize = 256;

/// One tick, as `explain` prints it.
#[derive(Clone, Copy, Debug)]
pub struct Tick<'a> {
    /// 1-based tick number.
    pub n: u64,
    /// Index of the instruction executed (the program's length when the
    /// tick fell off its end).
    pub pc: usize,
    /// The instruction executed.
    pub op: Option<Op>,
    /// The stack after the tick, bottom first.
    pub stack: &'a [Val],
    pub regs: &'a [Val; 8],
    /// Violations reported so far (`Report`, `Report2`), this tick's included.
    pub reported: u64,
}

/// The end of a twin run.
#[derive(Clone, Debug)]
pub struct Finished {
    pub verdict: Verdict,
    pub regs: [Val; 8],
    pub memory: [Val; MEMORY_WORDS],
    stack: [Val; STACK_CAP],
    depth: usize,
    /// Ticks used.
    pub ticks: u64,
}

impl Finished {
    /// The stack, bottom first.
    pub fn stack(&self) -> &[Val] {
        &self.stack[..self.depth]
    }

    /// The stack as a list value, top first (as the type level reflects it).
    pub fn stack_matches(&self, list: &Val) -> bool {
        let mut rest = *list;
        for v in self.stack().iter().rev() {
            match rest.uncons() {
                Some((h, t)) if h.same(v) => rest = t,
                _ => return false,
            }
        }
        rest.uncons().is_none() && rest.is_list()
    }
}

/// The twin cannot represent this run (its stack limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutsideTwin {
    pub pc: usize,
}

struct Machine<'p> {
    program: &'p [Op],
    notes: Violations,
    regs: [Val; 8],
    memory: [Val; MEMORY_WORDS],
    stack: [Val; STACK_CAP],
    depth: usize,
    pc: usize,
}

enum Next {
    Continue,
    Halt,
    Fault {
        reason: &'static ReasonInfo,
        item: Item,
        pc: usize,
        op: Option<Op>,
    },
}

impl<'p> Machine<'p> {
    fn pop(&mut self) -> Option<Val> {
        if self.depth == 0 {
            return None;
        }
        self.depth -= 1;
        Some(self.stack[self.depth])
    }

    fn push(&mut self, v: Val) -> Result<(), OutsideTwin> {
        if self.depth == STACK_CAP {
            return Err(OutsideTwin { pc: self.pc });
        }
        self.stack[self.depth] = v;
        self.depth += 1;
        Ok(())
    }

    /// Keep a reported violation while there is room, else count it.
    fn note(&mut self, note: Note) {
        let kept = self.notes.len();
        if kept < MAX_NOTES {
            self.notes.kept[kept] = Some(note);
        } else {
            self.notes.dropped += 1;
        }
    }

    fn fault<R: Reason>(&self, item: Item, pc: usize) -> Next {
        Next::Fault {
            reason: &R::INFO,
            item,
            pc,
            op: self.program.get(pc).copied(),
        }
    }

    /// One tick. On a fault the stack and registers are as before the tick.
    fn tick(&mut self) -> Result<Next, OutsideTwin> {
        let Some(&op) = self.program.get(self.pc) else {
            return Ok(self.fault::<reason::FellOffEnd>(Item::None, self.pc));
        };
        let at = self.pc;
        let (saved_stack, saved_depth) = (self.stack, self.depth);
        let next = self.exec(op, at)?;
        if let Next::Fault { .. } = next {
            self.stack = saved_stack;
            self.depth = saved_depth;
        }
        Ok(next)
    }

    /// A jump from `at`: one tick to its target, or a fault at the jump
    /// when the target is outside the program (the end itself is inside:
    /// the next tick falls off it).
    fn jump(&mut self, dir: Dir, n: u64, at: usize) -> Next {
        let len = self.program.len() as u128;
        match dir {
            Dir::Fwd => {
                let target = at as u128 + 1 + n as u128;
                if target > len {
                    return self.fault::<reason::JumpPastEnd>(Item::None, at);
                }
                self.pc = target as usize;
            }
            Dir::Back => {
                if n > at as u64 {
                    return self.fault::<reason::JumpBeforeStart>(Item::None, at);
                }
                self.pc = at - n as usize;
            }
        }
        Next::Continue
    }

    fn exec(&mut self, op: Op, at: usize) -> Result<Next, OutsideTwin> {
        self.pc = at + 1;
        let underflow = |m: &Self| m.fault::<reason::StackUnderflow>(Item::None, at);
        macro_rules! pop {
            () => {
                match self.pop() {
                    Some(v) => v,
                    None => return Ok(underflow(self)),
                }
            };
        }
        macro_rules! need {
            ($n:expr) => {
                if self.depth < $n {
                    return Ok(underflow(self));
                }
            };
        }
        match op {
            Op::Push(v) => self.push(v)?,
            Op::Pop => {
                pop!();
            }
            Op::Dup => {
                let x = pop!();
                self.push(x)?;
                self.push(x)?;
            }
            Op::Swap => {
                need!(2);
                let (y, x) = (pop!(), pop!());
                self.push(y)?;
                self.push(x)?;
            }
            Op::Over => {
                need!(2);
                let (y, x) = (pop!(), pop!());
                self.push(x)?;
                self.push(y)?;
                self.push(x)?;
            }
            Op::Load(r) => self.push(self.regs[r as usize])?,
            Op::Store(r) => self.regs[r as usize] = pop!(),
            Op::Add | Op::Sub | Op::And | Op::Or | Op::Xor | Op::Shl | Op::Shr | Op::Eq | Op::Lt => {
                need!(2);
                let (y, x) = (pop!(), pop!());
                let (a, b) = match (x.num(), y.num()) {
                    (Some(a), Some(b)) => (a, b),
                    (None, _) => return Ok(self.fault::<reason::NotANumber>(Item::One(x), at)),
                    (Some(_), None) => return Ok(self.fault::<reason::NotANumber>(Item::One(y), at)),
                };
                let pair = Item::Pair(x, y);
                let r = match op {
                    Op::Add => match a.checked_add(b) {
                        Some(r) => r,
                        None => return Ok(self.fault::<reason::ArithmeticOverflow>(pair, at)),
                    },
                    Op::Sub => match a.checked_sub(b) {
                        Some(r) => r,
                        None => return Ok(self.fault::<reason::SubtractUnderflow>(pair, at)),
                    },
                    Op::And => a & b,
                    Op::Or => a | b,
                    Op::Xor => a ^ b,
                    Op::Shl => {
                        if b >= 64 {
                            return Ok(self.fault::<reason::ShiftTooFar>(pair, at));
                        }
                        if a != 0 && (a.leading_zeros() as u64) < b {
                            return Ok(self.fault::<reason::ArithmeticOverflow>(pair, at));
                        }
                        a << b
                    }
                    Op::Shr => {
                        if b >= 64 {
                            return Ok(self.fault::<reason::ShiftTooFar>(pair, at));
                        }
                        a >> b
                    }
                    Op::Eq => (a == b) as u64,
                    Op::Lt => (a < b) as u64,
                    // The outer arm admits only the binary operations above.
                    _ => unreachable!("not a binary operation"),
                };
                self.push(Val::Num(r))?;
            }
            Op::TestBit(r) | Op::SetBit(r) => {
                let y = pop!();
                let x = self.regs[r as usize];
                let (a, b) = match (x.num(), y.num()) {
                    (Some(a), Some(b)) => (a, b),
                    (None, _) => return Ok(self.fault::<reason::NotANumber>(Item::One(x), at)),
                    (Some(_), None) => return Ok(self.fault::<reason::NotANumber>(Item::One(y), at)),
                };
                if b >= 64 {
                    return Ok(self.fault::<reason::ShiftTooFar>(Item::Pair(x, y), at));
                }
                if let Op::TestBit(_) = op {
                    self.push(Val::Num((a >> b) & 1))?;
                } else {
                    self.regs[r as usize] = Val::Num(a | 1 << b);
                }
            }
            Op::Ctz => {
                let x = pop!();
                let Some(a) = x.num() else {
                    return Ok(self.fault::<reason::NotANumber>(Item::One(x), at));
                };
                self.push(Val::Num(a.trailing_zeros() as u64))?;
            }
            Op::Jmp(d, n) => return Ok(self.jump(d, n, at)),
            Op::Jz(d, n) | Op::Jnz(d, n) => {
                let c = pop!();
                let Some(c) = c.num() else {
                    return Ok(self.fault::<reason::NotANumber>(Item::One(c), at));
                };
                if (c == 0) == matches!(op, Op::Jz(..)) {
                    return Ok(self.jump(d, n, at));
                }
            }
            Op::Uncons => {
                let l = pop!();
                if let Val::Rec(r) = l
                    && r.display == Display::BrokenCell
                {
                    return Ok(self.fault::<reason::BrokenList>(Item::One(l), at));
                }
                if !l.is_list() {
                    return Ok(self.fault::<reason::NotAList>(Item::One(l), at));
                }
                match l.uncons() {
                    Some((h, t)) => {
                        self.push(t)?;
                        self.push(h)?;
                        self.push(Val::Num(1))?;
                    }
                    None => self.push(Val::Num(0))?,
                }
            }
            Op::Field(n) => {
                let x = pop!();
                let Val::Rec(r) = x else {
                    return Ok(self.fault::<reason::NotARecord>(Item::One(x), at));
                };
                match r.fields.get(n as usize) {
                    Some(f) => self.push(*f)?,
                    None => return Ok(self.fault::<reason::NoSuchField>(Item::One(x), at)),
                }
            }
            Op::Peek => {
                let a = pop!();
                let addr = match a.num() {
                    Some(n) if n < MEMORY_WORDS as u64 => n as usize,
                    Some(_) => return Ok(self.fault::<reason::AddressOutOfRange>(Item::One(a), at)),
                    None => return Ok(self.fault::<reason::NotANumber>(Item::One(a), at)),
                };
                self.push(self.memory[addr])?;
            }
            Op::Poke => {
                need!(2);
                let (v, a) = (pop!(), pop!());
                let addr = match a.num() {
                    Some(n) if n < MEMORY_WORDS as u64 => n as usize,
                    Some(_) => return Ok(self.fault::<reason::AddressOutOfRange>(Item::One(a), at)),
                    None => return Ok(self.fault::<reason::NotANumber>(Item::One(a), at)),
                };
                self.memory[addr] = v;
            }
            Op::Halt => return Ok(Next::Halt),
            Op::Fail(reason) => {
                let x = pop!();
                return Ok(Next::Fault {
                    reason,
                    item: Item::One(x),
                    pc: at,
                    op: Some(op),
                });
            }
            Op::Fail2(reason) => {
                need!(2);
                let (y, x) = (pop!(), pop!());
                return Ok(Next::Fault {
                    reason,
                    item: Item::Pair(x, y),
                    pc: at,
                    op: Some(op),
                });
            }
            Op::Assert2(reason) => {
                need!(3);
                let (c, y, x) = (pop!(), pop!(), pop!());
                let Some(c) = c.num() else {
                    return Ok(self.fault::<reason::NotANumber>(Item::One(c), at));
                };
                if c == 0 {
                    return Ok(Next::Fault {
                        reason,
                        item: Item::Pair(x, y),
                        pc: at,
                        op: Some(op),
                    });
                }
            }
            Op::Report(reason) | Op::Report2(reason) => {
                let two = matches!(op, Op::Report2(_));
                need!(if two { 3 } else { 2 });
                let c = pop!();
                let item = if two {
                    let (y, x) = (pop!(), pop!());
                    Item::Pair(x, y)
                } else {
                    Item::One(pop!())
                };
                let Some(c) = c.num() else {
                    return Ok(self.fault::<reason::NotANumber>(Item::One(c), at));
                };
                if c == 0 {
                    self.note(Note { reason, item });
                }
            }
            Op::Assert(reason) => {
                need!(2);
                let (c, x) = (pop!(), pop!());
                let Some(c) = c.num() else {
                    return Ok(self.fault::<reason::NotANumber>(Item::One(c), at));
                };
                if c == 0 {
                    return Ok(Next::Fault {
                        reason,
                        item: Item::One(x),
                        pc: at,
                        op: Some(op),
                    });
                }
            }
        }
        Ok(Next::Continue)
    }
}

/// Run `program` on `input` (bottom first) for at most `budget` ticks,
/// calling `trace` after every tick.
pub fn run_traced(
    program: &[Op],
    input: &[Val],
    budget: u64,
    mut trace: impl FnMut(&Tick<'_>),
) -> Result<Finished, OutsideTwin> {
    let mut m = Machine {
        program,
        notes: Violations::NONE,
        regs: [Val::Num(0); 8],
        memory: [Val::Num(0); MEMORY_WORDS],
        stack: [Val::Num(0); STACK_CAP],
        depth: 0,
        pc: 0,
    };
    for v in input {
        m.push(*v)?;
    }
    let mut ticks = 0;
    let verdict = loop {
        if ticks == budget {
            break Verdict {
                status: Status::Exhausted,
                pc: m.pc,
                op: program.get(m.pc).copied(),
            };
        }
        ticks += 1;
        let pc_before = m.pc;
        let next = m.tick()?;
        let op = program.get(pc_before).copied();
        trace(&Tick {
            n: ticks,
            pc: pc_before,
            op,
            stack: &m.stack[..m.depth],
            regs: &m.regs,
            reported: m.notes.len() as u64 + m.notes.dropped,
        });
        match next {
            Next::Continue => {}
            Next::Halt => {
                break Verdict {
                    status: if m.notes.is_empty() {
                        Status::Halted
                    } else {
                        Status::Reported(m.notes)
                    },
                    pc: pc_before,
                    op,
                };
            }
            Next::Fault { reason, item, pc, op } => {
                break Verdict {
                    status: Status::Faulted { reason, item },
                    pc,
                    op,
                };
            }
        }
    };
    Ok(Finished {
        verdict,
        regs: m.regs,
        memory: m.memory,
        stack: m.stack,
        depth: m.depth,
        ticks,
    })
}

/// [`run_traced`] without a trace.
pub fn run(program: &[Op], input: &[Val], budget: u64) -> Result<Finished, OutsideTwin> {
    run_traced(program, input, budget, |_| {})
}
