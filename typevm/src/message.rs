//! Messages for verdicts, built in const fns so a rejected run can become a
//! compile error that reads as the failed check.

use crate::reflect::{Dir, Item, Op, Status, Verdict};
use crate::value::{Display, Val};

/// Capacity of a message.
pub const MESSAGE_CAP: usize = 8192;

/// A fixed-capacity string usable in const fns. Text past the capacity is
/// cut and marked with `...`.
#[derive(Clone, Copy)]
pub struct Message {
    buf: [u8; MESSAGE_CAP],
    len: usize,
}

impl Message {
    pub const fn new() -> Self {
        Message {
            buf: [0; MESSAGE_CAP],
            len: 0,
        }
    }

    /// Is the message empty (an accepted verdict)?
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text so far.
    pub const fn as_str(&self) -> &str {
        let (head, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            // Only whole UTF-8 strings and ASCII are ever pushed, and cuts
            // happen on char boundaries.
            Err(_) => "<message is not UTF-8>",
        }
    }

    pub const fn push_byte(&mut self, b: u8) {
        if self.len < MESSAGE_CAP - 3 {
            self.buf[self.len] = b;
            self.len += 1;
        } else if self.len < MESSAGE_CAP {
            // Mark the cut once.
            while self.len < MESSAGE_CAP {
                self.buf[self.len] = b'.';
                self.len += 1;
            }
        }
    }

    pub const fn push_str(&mut self, s: &str) {
        let b = s.as_bytes();
        // Cut only on a char boundary: stop before a multi-byte char that
        // would not fit.
        let mut i = 0;
        while i < b.len() {
            let width = utf8_width(b[i]);
            if self.len + width > MESSAGE_CAP - 3 {
                self.push_byte(b'.');
                return;
            }
            let mut k = 0;
            while k < width && i + k < b.len() {
                self.buf[self.len] = b[i + k];
                self.len += 1;
                k += 1;
            }
            i += width;
        }
    }

    /// `n` in hex with a `0x` prefix.
    pub const fn push_hex(&mut self, n: u64) {
        self.push_str("0x");
        let mut shift = 60i32;
        let mut started = false;
        while shift >= 0 {
            let d = ((n >> shift) & 0xf) as u8;
            if d != 0 || started || shift == 0 {
                started = true;
                self.push_byte(if d < 10 { b'0' + d } else { b'a' + d - 10 });
            }
            shift -= 4;
        }
    }

    /// `n` in decimal.
    pub const fn push_dec(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let (mut n, mut k) = (n, 0);
        loop {
            digits[k] = b'0' + (n % 10) as u8;
            k += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        while k > 0 {
            k -= 1;
            self.push_byte(digits[k]);
        }
    }

    /// A value as a message shows it.
    pub const fn push_val(&mut self, v: &Val) {
        match v {
            Val::Num(n) => self.push_hex(*n),
            Val::Rec(r) => match r.display {
                Display::Name | Display::BrokenCell => self.push_quoted(r.name),
                Display::Arrow => {
                    self.push_byte(b'`');
                    if r.fields.len() >= 2 {
                        self.push_plain(&r.fields[0]);
                        self.push_str(" -> ");
                        self.push_plain(&r.fields[1]);
                    } else {
                        self.push_str(r.name);
                    }
                    self.push_byte(b'`');
                }
                Display::Window => {
                    self.push_quoted(r.name);
                    if r.fields.len() >= 3 {
                        self.push_str(" [");
                        self.push_val(&r.fields[1]);
                        self.push_str(", +");
                        self.push_val(&r.fields[2]);
                        self.push_byte(b')');
                    }
                }
            },
            Val::Nil | Val::Cons(..) | Val::Slice(_) => {
                self.push_byte(b'[');
                let mut rest = *v;
                let mut n = 0;
                while let Some((h, t)) = rest.uncons() {
                    if n > 0 {
                        self.push_str(", ");
                    }
                    if n == 8 {
                        self.push_str("...");
                        break;
                    }
                    self.push_val(&h);
                    rest = t;
                    n += 1;
                }
                self.push_byte(b']');
            }
        }
    }

    /// A record's name without quotes (inside an arrow), else the value.
    const fn push_plain(&mut self, v: &Val) {
        match v {
            Val::Rec(r) => self.push_str(r.name),
            Val::Num(_) | Val::Nil | Val::Cons(..) | Val::Slice(_) => self.push_val(v),
        }
    }

    const fn push_quoted(&mut self, s: &str) {
        self.push_byte(b'`');
        self.push_str(s);
        self.push_byte(b'`');
    }

    /// An instruction as programs spell it (`Jz<Back<3>>`, `Push<0x10>`).
    pub const fn push_op(&mut self, op: &Op) {
        self.push_str(op.mnemonic());
        match op {
            Op::Push(v) => {
                self.push_byte(b'<');
                self.push_val(v);
                self.push_byte(b'>');
            }
            Op::Load(r) | Op::Store(r) | Op::TestBit(r) | Op::SetBit(r) => {
                self.push_str("<R");
                self.push_dec(*r as u64);
                self.push_byte(b'>');
            }
            Op::Field(n) => {
                self.push_byte(b'<');
                self.push_dec(*n as u64);
                self.push_byte(b'>');
            }
            Op::Jmp(d, n) | Op::Jz(d, n) | Op::Jnz(d, n) => {
                self.push_str(match d {
                    Dir::Fwd => "<Fwd<",
                    Dir::Back => "<Back<",
                });
                self.push_dec(*n);
                self.push_str(">>");
            }
            Op::Fail(r) | Op::Assert(r) | Op::Fail2(r) | Op::Assert2(r) | Op::Report(r) | Op::Report2(r) => {
                self.push_str("<\"");
                self.push_str(r.check);
                self.push_str("\">");
            }
            Op::Pop
            | Op::Dup
            | Op::Swap
            | Op::Over
            | Op::Add
            | Op::Sub
            | Op::And
            | Op::Or
            | Op::Xor
            | Op::Shl
            | Op::Shr
            | Op::Eq
            | Op::Lt
            | Op::Uncons
            | Op::Ctz
            | Op::Peek
            | Op::Poke
            | Op::Halt => {}
        }
    }

    /// Fill a reason template (see [`crate::reason::ReasonInfo`]).
    pub const fn push_template(&mut self, t: &str, item: &Item, op: Option<Op>, pc: usize) {
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'{' {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'}' {
                    j += 1;
                }
                if j < b.len() {
                    let (_, tail) = b.split_at(i + 1);
                    let (key, _) = tail.split_at(j - i - 1);
                    self.push_placeholder(key, item, op, pc);
                    i = j + 1;
                    continue;
                }
            }
            // Copy one whole UTF-8 char.
            let width = utf8_width(b[i]);
            let mut k = 0;
            while k < width && i + k < b.len() {
                self.push_byte(b[i + k]);
                k += 1;
            }
            i += width;
        }
    }

    const fn push_placeholder(&mut self, key: &[u8], item: &Item, op: Option<Op>, pc: usize) {
        if bytes_eq(key, b"item") {
            match item {
                Item::None => self.push_str("nothing"),
                Item::One(v) => self.push_val(v),
                Item::Pair(a, b) => {
                    self.push_val(a);
                    self.push_str(" and ");
                    self.push_val(b);
                }
            }
        } else if bytes_eq(key, b"op") {
            match op {
                Some(op) => self.push_op(&op),
                None => self.push_str("end of program"),
            }
        } else if bytes_eq(key, b"pc") {
            self.push_dec(pc as u64);
        } else if key.len() == 1 && key[0].is_ascii_digit() {
            let n = (key[0] - b'0') as usize;
            match item_part(item, n) {
                Some(v) => self.push_val(&v),
                None => self.push_str("?"),
            }
        } else if key.len() == 5 && key[0].is_ascii_digit() && bytes_eq(key.split_at(1).1, b":dec") {
            // `{N:dec}`: part N as a decimal number (interrupt ids read as
            // the GIC documents them); any other value as `{N}` shows it.
            match item_part(item, (key[0] - b'0') as usize) {
                Some(Val::Num(n)) => self.push_dec(n),
                Some(v) => self.push_val(&v),
                None => self.push_str("?"),
            }
        } else if key.len() == 3 && key[0].is_ascii_digit() && key[1] == b'.' && key[2].is_ascii_digit() {
            // `{N.M}`: field M of part N (the kind of the device a pair names).
            let (n, f) = ((key[0] - b'0') as usize, (key[2] - b'0') as usize);
            match item_part(item, n) {
                Some(Val::Rec(r)) if f < r.fields.len() => self.push_val(&r.fields[f]),
                _ => self.push_str("?"),
            }
        } else {
            self.push_byte(b'{');
            let mut i = 0;
            while i < key.len() {
                self.push_byte(key[i]);
                i += 1;
            }
            self.push_byte(b'}');
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Display for Message {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for Message {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Part `n` of an item: a pair's component, a list's element, a record's field.
pub const fn item_part(item: &Item, n: usize) -> Option<Val> {
    match item {
        Item::None => None,
        Item::Pair(a, b) => match n {
            0 => Some(*a),
            1 => Some(*b),
            // A pair has two parts.
            _ => None,
        },
        Item::One(Val::Rec(r)) => {
            if n < r.fields.len() {
                Some(r.fields[n])
            } else {
                None
            }
        }
        Item::One(v) => {
            let mut rest = *v;
            let mut k = 0;
            while let Some((h, t)) = rest.uncons() {
                if k == n {
                    return Some(h);
                }
                rest = t;
                k += 1;
            }
            None
        }
    }
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn utf8_width(first: u8) -> usize {
    if first < 0x80 {
        1
    } else if first >> 5 == 0b110 {
        2
    } else if first >> 4 == 0b1110 {
        3
    } else {
        4
    }
}

/// The message of a verdict: empty for an accepted run.
///
/// A check's own fault reads `check `NAME` failed: MESSAGE` followed by a
/// `help:` line; an engine fault names the instruction and its index.
///
/// `subject` names what the program checked (a configuration's name), `""`
/// for none.
pub const fn verdict_message(v: &Verdict, program: &str, subject: &str, budget: u64) -> Message {
    let mut m = Message::new();
    match v.status {
        Status::Halted => {}
        Status::Faulted { reason, item } => {
            if crate::value::str_eq(reason.check, "typevm") {
                m.push_str("typevm fault in `");
                m.push_str(program);
                m.push_str("` at instruction #");
                m.push_dec(v.pc as u64);
                match v.op {
                    Some(op) => {
                        m.push_str(" (`");
                        m.push_op(&op);
                        m.push_str("`)");
                    }
                    None => m.push_str(" (past the end)"),
                }
                m.push_str(": ");
                m.push_template(reason.message, &item, v.op, v.pc);
                m.push_str("\nhelp: ");
                m.push_template(reason.help, &item, v.op, v.pc);
            } else {
                // A check's own fault reads like a reported violation.
                push_note(&mut m, &crate::reflect::Note { reason, item }, subject, v);
            }
        }
        Status::Reported(notes) => {
            let mut i = 0;
            while i < notes.kept.len() {
                if let Some(note) = &notes.kept[i] {
                    if i > 0 {
                        m.push_byte(b'\n');
                    }
                    push_note(&mut m, note, subject, v);
                }
                i += 1;
            }
            if notes.dropped > 0 {
                m.push_str("\n... and ");
                m.push_dec(notes.dropped);
                m.push_str(" more violations of this check");
            }
        }
        Status::Exhausted => {
            m.push_str("typevm fault in `");
            m.push_str(program);
            m.push_str("`: step budget of ");
            m.push_dec(budget);
            m.push_str(" ticks exhausted at instruction #");
            m.push_dec(v.pc as u64);
            if let Some(op) = v.op {
                m.push_str(" (`");
                m.push_op(&op);
                m.push_str("`)");
            }
            m.push_str("\nhelp: the program loops longer than its budget; give it a larger budget (`typevm::check!(P, budget = N)`) or make the loop end");
        }
    }
    m
}

/// One reported violation, as a failed check reads.
pub const fn push_note(m: &mut Message, note: &crate::reflect::Note, subject: &str, v: &Verdict) {
    m.push_str("check `");
    m.push_str(note.reason.check);
    m.push_str("` failed");
    if !subject.is_empty() {
        m.push_str(" for `");
        m.push_str(subject);
        m.push_byte(b'`');
    }
    m.push_str(": ");
    m.push_template(note.reason.message, &note.item, v.op, v.pc);
    m.push_str("\nhelp: ");
    m.push_template(note.reason.help, &note.item, v.op, v.pc);
}

/// Fail const evaluation with the verdict's message unless the run halted.
pub const fn assert_accepted(v: &Verdict, program: &str, subject: &str, budget: u64) {
    if !matches!(v.status, Status::Halted) {
        let m = verdict_message(v, program, subject, budget);
        panic!("{}", m.as_str());
    }
}
