//! Differential tests: every program runs at the type level (in rustc's
//! trait solver, while this file compiles) and at the value level (the
//! twin, when the test runs); verdict, registers and stack must agree.
//! Where a program has a known answer, both levels must give it.

use frunk::HList;
use programs::examples::*;
use typenum::Unsigned;
use typenum::consts::*;
use typevm::interp;
use typevm::isa::{regs::*, *};
use typevm::reflect::{Item, Program, Snapshot, Snapshots, Status};
use typevm::value::Value;
use typevm::{Val, num};

/// A test that compares the two levels on one program, input and budget,
/// and returns the type-level snapshot for further assertions.
macro_rules! same {
    ($name:ident: $p:ty $(, input = $i:ty)? $(, budget = $b:ty)? $(=> $check:expr)?) => {
        #[test]
        fn $name() {
            type Input = same!(@input $($i)?);
            type Budget = same!(@budget $($b)?);
            const SNAP: Snapshot =
                <typevm::Outcome<<$p as Program>::Code, Input, Budget> as Snapshots>::SNAPSHOT;
            let snap = SNAP;
            hold_to::<$p>(<Input as Value>::VAL, <Budget as Unsigned>::U64, &snap);
            $( ($check)(&snap); )?
        }
    };
    (@input) => { frunk::HNil };
    (@input $i:ty) => { $i };
    (@budget) => { typevm::DefaultBudget };
    (@budget $b:ty) => { $b };
}

/// Run the twin and hold it to the type level's snapshot.
fn hold_to<P: Program>(input: Val, budget: u64, snap: &Snapshot) -> interp::Finished {
    let mut stack = Vec::new();
    let mut rest = input;
    while let Some((h, t)) = rest.uncons() {
        stack.push(h);
        rest = t;
    }
    stack.reverse(); // the twin takes the input bottom first
    let twin = interp::run(P::OPS, &stack, budget).expect("program stays inside the twin's limits");
    assert_eq!(twin.verdict, snap.verdict, "{}: verdicts differ", P::NAME);
    assert_eq!(twin.regs, snap.regs, "{}: registers differ", P::NAME);
    assert!(
        twin.stack_matches(&snap.stack),
        "{}: stacks differ: twin {:?}, types {:?}",
        P::NAME,
        twin.stack(),
        snap.stack
    );
    assert_eq!(twin.memory, snap.memory, "{}: memories differ", P::NAME);
    twin
}

fn top(s: &Snapshot) -> Val {
    s.stack.uncons().expect("a result on the stack").0
}

fn halted_with(n: u64) -> impl Fn(&Snapshot) {
    move |s: &Snapshot| {
        assert_eq!(s.verdict.status, Status::Halted);
        assert_eq!(top(s), Val::Num(n));
    }
}

fn faulted(check: &'static str, message_start: &'static str) -> impl Fn(&Snapshot) {
    move |s: &Snapshot| match s.verdict.status {
        Status::Faulted { reason, .. } => {
            assert_eq!(reason.check, check);
            assert!(reason.message.starts_with(message_start), "{}", reason.message);
        }
        other => panic!("expected a fault, got {other:?}"),
    }
}

// ------------------------------------------------------------ the examples

same!(sum_to_8: SumTo, input = HList![U8] => halted_with(36));
same!(sum_to_0: SumTo, input = HList![U0] => halted_with(0));
same!(sum_to_100: SumTo, input = HList![U100] => halted_with(5050));
same!(mul_by_add_7_6: MulByAdd, input = HList![U6, U7] => halted_with(42));
same!(mul_by_add_by_zero: MulByAdd, input = HList![U0, U9] => halted_with(0));
same!(fibonacci_10: Fibonacci, input = HList![U10] => halted_with(55));
same!(fibonacci_50: Fibonacci, input = HList![U50] => halted_with(12_586_269_025));
same!(nested_count_5: NestedCount, input = HList![U5] => halted_with(15));
same!(gcd_48_18: Gcd, input = HList![U18, U48] => halted_with(6));
same!(gcd_coprime: Gcd, input = HList![U17, U64] => halted_with(1));
same!(popcount: Popcount, input = HList![num!(0xf0f0_0000_0000_0001)] => halted_with(9));
same!(list_sum: ListSum, input = HList![HList![U3, U4, U5]] => halted_with(12));
same!(list_sum_empty: ListSum, input = HList![HList![]] => halted_with(0));
same!(list_max: ListMax, input = HList![HList![U3, U9, U2, U7]] => halted_with(9));
same!(collatz_27: CollatzSteps, input = HList![U27] => halted_with(111));
same!(swap16: Swap16, input = HList![num!(0xabcd)] => halted_with(0xcdab));
same!(fails_on_purpose: FailsOnPurpose => faulted("examples: fail on purpose", "the program failed"));
same!(forever_runs_out: Forever, budget = U1000 => |s: &Snapshot| assert_eq!(s.verdict.status, Status::Exhausted));

// ------------------------------------------------------------ instructions

typevm::program! {
    StackOps = [Push<U1>, Push<U2>, Swap, Over, Dup, Pop, Halt];
    AllRegisters = [
        Push<U1>, Store<R0>, Push<U2>, Store<R1>, Push<U3>, Store<R2>, Push<U4>, Store<R3>,
        Push<U5>, Store<R4>, Push<U6>, Store<R5>, Push<U7>, Store<R6>, Push<U8>, Store<R7>,
        Load<R7>, Load<R0>, Halt,
    ];
    // Every register read back (Load/Store match the register file per register).
    LoadEveryRegister = [
        Push<U1>, Store<R0>, Push<U2>, Store<R1>, Push<U3>, Store<R2>, Push<U4>, Store<R3>,
        Push<U5>, Store<R4>, Push<U6>, Store<R5>, Push<U7>, Store<R6>, Push<U8>, Store<R7>,
        Load<R0>, Load<R1>, Load<R2>, Load<R3>, Load<R4>, Load<R5>, Load<R6>, Load<R7>, Halt,
    ];
    AddMax = [Push<num!(0xffff_ffff_ffff_fffe)>, Push<U1>, Add, Halt];
    AddOverflow = [Push<num!(0xffff_ffff_ffff_ffff)>, Push<U1>, Add, Halt];
    AddCarryChain = [Push<num!(0x00ff_ffff_ffff_ffff)>, Push<U1>, Add, Halt];
    SubToZero = [Push<num!(0x1234_5678_9abc_def0)>, Push<num!(0x1234_5678_9abc_def0)>, Sub, Halt];
    SubBorrowChain = [Push<num!(0x1_0000_0000)>, Push<U1>, Sub, Halt];
    SubUnderflow = [Push<U2>, Push<U5>, Sub, Halt];
    Bitwise = [
        Push<num!(0xff00_ff00_ff00_ff00)>, Push<num!(0x0ff0_0ff0_0ff0_0ff0)>, And,
        Push<num!(0x1000_0000_0000_0001)>, Or,
        Push<num!(0xffff_ffff_ffff_ffff)>, Xor, Halt,
    ];
    ShiftLeft = [Push<U1>, Push<U63>, Shl, Halt];
    ShiftLeftOverflow = [Push<U3>, Push<U63>, Shl, Halt];
    ShiftTooFarLeft = [Push<U1>, Push<U64>, Shl, Halt];
    ShiftRight = [Push<num!(0x8000_0000_0000_0000)>, Push<U63>, Shr, Halt];
    ShiftTooFarRight = [Push<U1>, Push<U64>, Shr, Halt];
    // Shifts by whole chunks (8 positions at a time) and by the rest.
    ShiftChunks = [
        Push<num!(0x1234_5678_9abc_def1)>, Push<U8>, Shr,
        Push<num!(0x1234_5678_9abc_def1)>, Push<U33>, Shr,
        Push<num!(0x1234_5678_9abc_def1)>, Push<U60>, Shr,
        Push<num!(0x00ab_cdef)>, Push<U16>, Shl,
        Push<num!(0x00ab_cdef)>, Push<U40>, Shl,
        Push<U0>, Push<U48>, Shl,
        Push<U0>, Push<U56>, Shr, Halt,
    ];
    ShiftChunkOverflow = [Push<num!(0x1_0000)>, Push<U48>, Shl, Halt];
    // Bit instructions: test and set bits of a register, low and high
    // chunks; count trailing zeros of one-bit, many-bit and zero values.
    BitOps = [
        Push<num!(0x8000_0000_0100_0001)>, Store<R5>,
        Push<U0>, TestBit<R5>, Push<U1>, TestBit<R5>, Push<U24>, TestBit<R5>,
        Push<U63>, TestBit<R5>, Push<U62>, TestBit<R5>,
        Push<U1>, SetBit<R6>, Push<U63>, SetBit<R6>, Push<U1>, SetBit<R6>, Push<U40>, SetBit<R6>,
        Push<num!(0x8000_0000_0000_0000)>, Ctz, Push<num!(0x0000_0100_0000_0000)>, Ctz,
        Push<num!(0xff00)>, Ctz, Push<U1>, Ctz, Push<U0>, Ctz, Halt,
    ];
    // Conditions by value, however many zero bits end them and however a
    // zero is spelled (leading zero bits).
    TruthOfSpellings = [
        Push<num!(0x8000_0000_0000_0000)>, Jz<@bad>, Push<num!(0x100)>, Jz<@bad>,
        Push<U4>, Jz<@bad>, Push<U2>, Jz<@bad>,
        Push<typenum::UInt<typenum::UInt<typenum::UInt<typenum::UInt<typenum::UTerm, typenum::B0>, typenum::B0>, typenum::B0>, typenum::B0>>, Jnz<@bad>,
        Push<typenum::UInt<typenum::UInt<typenum::UTerm, typenum::B0>, typenum::B0>>, Jnz<@bad>,
        Push<typenum::UInt<typenum::UTerm, typenum::B0>>, Jnz<@bad>,
        Push<U1>, Halt,
        bad: Push<U0>, Halt,
    ];
    TestBitTooFar = [Push<U1>, Store<R2>, Push<U7>, Push<U64>, TestBit<R2>, Halt];
    SetBitTooFar = [Push<num!(1000)>, SetBit<R3>, Halt];
    TestBitOfAList = [Push<HList![U1]>, Store<R1>, Push<U0>, TestBit<R1>, Halt];
    SetBitWithAList = [Push<HList![]>, SetBit<R1>, Halt];
    CtzOfAList = [Push<HList![U1]>, Ctz, Halt];
    TestBitUnderflow = [TestBit<R0>, Halt];
    // Add and Sub where the shorter operand runs out early.
    ShortOperands = [
        Push<num!(0xffff_ffff_0000_00ff)>, Push<U1>, Add,
        Push<num!(0x1_0000_0000_0000)>, Push<U0>, Sub,
        Push<U0>, Push<num!(0xdead_beef_0000)>, Add, Halt,
    ];
    Compare = [
        Push<num!(0xffff_ffff_0000_0000)>, Push<num!(0xffff_fffe_ffff_ffff)>, Lt,
        Push<num!(0xffff_fffe_ffff_ffff)>, Push<num!(0xffff_ffff_0000_0000)>, Lt,
        Push<num!(0x1234)>, Push<num!(0x1234)>, Eq,
        Push<num!(0x1234)>, Push<num!(0x1235)>, Eq, Halt,
    ];
    JzTaken = [Push<U0>, Jz<Fwd<U1>>, Push<U7>, Halt];
    JzNotTaken = [Push<U1>, Jz<Fwd<U1>>, Push<U7>, Halt];
    JnzTaken = [Push<U3>, Jnz<Fwd<U1>>, Push<U7>, Halt];
    JmpZero = [Jmp<Fwd<U0>>, Push<U7>, Halt];
    JmpPastEnd = [Push<U1>, Jmp<Fwd<U5>>, Halt];
    JmpBeforeStart = [Push<U1>, Push<U2>, Jmp<Back<U3>>, Halt];
    FallsOffEnd = [Push<U1>];
    // A jump to the position just past the last instruction lands there;
    // the next tick falls off the end.
    JmpToEnd = [Push<U1>, Jmp<Fwd<U1>>, Halt];
    // A conditional jump outside faults at the jump, stack as before it.
    JzPastEnd = [Push<U7>, Push<U0>, Jz<Fwd<U9>>, Halt];
    JnzBeforeStart = [Push<U7>, Push<U1>, Jnz<Back<U5>>, Halt];
    // Distances written with `num!` and with a path.
    JmpNumDistance = [Jmp<Fwd<num!(1)>>, Push<U7>, Push<U8>, Halt];
    JmpPathDistance = [Push<U5>, Push<U1>, Jnz<Fwd<typenum::U1>>, Push<U7>, Halt];
    // A jump to itself: one tick per pass, never halts.
    JmpSelf = [Push<U1>, Jmp<Back<U0>>];
    PopEmpty = [Pop, Halt];
    StoreEmpty = [Store<R3>, Halt];
    AddOneOperand = [Push<U1>, Add, Halt];
    AddList = [Push<HList![U1]>, Push<U1>, Add, Halt];
    UnconsNumber = [Push<U1>, Uncons, Halt];
    FieldOfNumber = [Push<U1>, Field<U0>, Halt];
    FieldOfRecord = [Push<Window>, Field<U2>, Halt];
    NoSuchFieldInRecord = [Push<Window>, Field<U3>, Halt];
    AssertPasses = [Push<U9>, Push<U1>, Assert, Halt];
    AssertFails = [Push<Window>, Push<U0>, Assert<WindowTooSmall>, Halt];
    JzOnList = [Push<HList![]>, Jz<Fwd<U0>>, Halt];
    MemoryRoundTrip = [
        Push<U0>, Push<num!(0x42)>, Poke,
        Push<U255>, Push<num!(0xffff_ffff_ffff_ffff)>, Poke,
        Push<U16>, Push<Window>, Poke,
        Push<U0>, Peek, Push<U255>, Peek, Push<U1>, Peek, Halt,
    ];
    PeekOutOfRange = [Push<U256>, Peek, Halt];
    PokeListAddress = [Push<HList![]>, Push<U1>, Poke, Halt];
    Fail2Pair = [Push<U1>, Push<Window>, Fail2<WindowTooSmall>, Halt];
    Assert2Passes = [Push<U1>, Push<U2>, Push<U1>, Assert2<WindowTooSmall>, Halt];
    Assert2Fails = [Push<U1>, Push<U2>, Push<U0>, Assert2<WindowTooSmall>, Halt];
    // A zero spelled with a leading zero bit is zero to every condition.
    JzOnWideZero = [Push<typenum::UInt<typenum::UTerm, typenum::B0>>, Jz<Fwd<U1>>, Halt, Push<U7>, Halt];
    AssertOnWideZero = [Push<U1>, Push<typenum::UInt<typenum::UTerm, typenum::B0>>, Assert<WindowTooSmall>, Halt];
    ReportOnWideZero = [Push<U1>, Push<typenum::UInt<typenum::UTerm, typenum::B0>>, Report<WindowTooSmall>, Halt];
    ReportPasses = [Push<Window>, Push<U1>, Report<WindowTooSmall>, Halt];
    ReportGoesOn = [
        Push<Window>, Push<U0>, Report<WindowTooSmall>,
        Push<U7>, Push<U0>, Report<WindowTooSmall>,
        Push<U1>, Push<Window>, Push<U0>, Report2<WindowTooSmall>,
        Push<U3>, Halt,
    ];
    ReportOnList = [Push<U1>, Push<HList![]>, Report<WindowTooSmall>, Halt];
    Report2Underflow = [Push<U1>, Push<U0>, Report2<WindowTooSmall>, Halt];
    // Report 20 violations: 16 are kept, 4 counted.
    ReportTwenty = [
        again: Load<R0>, Push<U0>, Report<WindowTooSmall>,
               Load<R0>, Push<U1>, Add, Dup, Store<R0>,
               Push<U20>, Eq, Jz<@again>,
               Halt,
    ];
    // Labels: write i at address i for every address, then sum memory.
    MemoryFill = [
        fill: Load<R0>, Dup, Poke,
              Load<R0>, Push<U1>, Add, Dup, Store<R0>,
              Push<U256>, Eq, Jz<@fill>,
              Push<U0>, Store<R0>,
        sum:  Load<R0>, Peek, Load<R1>, Add, Store<R1>,
              Load<R0>, Push<U1>, Add, Dup, Store<R0>,
              Push<U256>, Eq, Jz<@sum>,
              Load<R1>, Halt,
    ];
}

typevm::record!(
    /// A record for the field tests: name, base, size.
    pub struct Window = [U1, num!(0x0900_0000), num!(0x1000)] as typevm::value::Display::Window
);
typevm::reason! {
    WindowTooSmall: "tests: windows", "window {item} is too small", "grow it";
}

same!(stack_ops: StackOps => |s: &Snapshot| {
    // 1 2 -> Swap: 2 1 -> Over: 2 1 2 -> Dup: 2 1 2 2 -> Pop: 2 1 2
    assert_eq!(s.stack, Val::Cons(&Val::Num(2), &Val::Cons(&Val::Num(1), &Val::Cons(&Val::Num(2), &Val::Nil))));
});
same!(all_registers: AllRegisters => |s: &Snapshot| {
    assert_eq!(s.regs.map(|v| v.num().unwrap()), [1, 2, 3, 4, 5, 6, 7, 8]);
});
same!(load_every_register: LoadEveryRegister => |s: &Snapshot| {
    assert_eq!(s.verdict.status, Status::Halted);
    let mut rest = s.stack;
    for expected in (1..=8).rev() {
        let (head, tail) = rest.uncons().expect("eight values on the stack");
        assert_eq!(head.num(), Some(expected));
        rest = tail;
    }
    assert!(rest.uncons().is_none(), "only the eight registers' values");
});
same!(add_max: AddMax => halted_with(u64::MAX));
same!(add_overflow: AddOverflow => faulted("typevm", "arithmetic overflow"));
same!(add_carry_chain: AddCarryChain => halted_with(0x0100_0000_0000_0000));
same!(sub_to_zero: SubToZero => halted_with(0));
same!(sub_borrow_chain: SubBorrowChain => halted_with(0xffff_ffff));
same!(sub_underflow: SubUnderflow => faulted("typevm", "subtract underflow"));
same!(bitwise: Bitwise => halted_with(((0xff00_ff00_ff00_ff00u64 & 0x0ff0_0ff0_0ff0_0ff0) | 0x1000_0000_0000_0001) ^ u64::MAX));
same!(shift_left: ShiftLeft => halted_with(1 << 63));
same!(shift_left_overflow: ShiftLeftOverflow => faulted("typevm", "arithmetic overflow"));
same!(shift_too_far_left: ShiftTooFarLeft => faulted("typevm", "shift amount"));
same!(shift_right: ShiftRight => halted_with(1));
same!(shift_too_far_right: ShiftTooFarRight => faulted("typevm", "shift amount"));
same!(compare: Compare => |s: &Snapshot| {
    let mut got = Vec::new();
    let mut rest = s.stack;
    while let Some((h, t)) = rest.uncons() { got.push(h.num().unwrap()); rest = t; }
    assert_eq!(got, [0, 1, 1, 0]); // top first: ne, eq, gt-is-not-lt, lt
});
same!(jz_taken: JzTaken => |s: &Snapshot| assert_eq!(s.stack, Val::Nil));
same!(jz_not_taken: JzNotTaken => halted_with(7));
same!(jnz_taken: JnzTaken => |s: &Snapshot| assert_eq!(s.stack, Val::Nil));
same!(jmp_zero: JmpZero => halted_with(7));
same!(jmp_past_end: JmpPastEnd => |s: &Snapshot| {
    faulted("typevm", "`{op}` jumps past the end")(s);
    assert_eq!(s.verdict.pc, 1);
});
same!(shift_chunks: ShiftChunks => |s: &Snapshot| assert_eq!(s.verdict.status, Status::Halted));
same!(shift_chunk_overflow: ShiftChunkOverflow => faulted("typevm", "arithmetic overflow"));
same!(short_operands: ShortOperands);
same!(bit_ops: BitOps => |s: &Snapshot| {
    assert_eq!(s.verdict.status, Status::Halted);
    assert_eq!(s.regs[6], Val::Num(1 << 63 | 1 << 40 | 2));
    let mut got = Vec::new();
    let mut rest = s.stack;
    while let Some((h, t)) = rest.uncons() { got.push(h.num().unwrap()); rest = t; }
    // top first: ctz 0, 1, 0xff00, bit 40, bit 63; bits 62, 63, 24, 1, 0
    assert_eq!(got, [64, 0, 8, 40, 63, 0, 1, 1, 0, 1]);
});
same!(truth_of_spellings: TruthOfSpellings => halted_with(1));
same!(test_bit_too_far: TestBitTooFar => |s: &Snapshot| {
    faulted("typevm", "shift amount")(s);
    assert_eq!(s.verdict.pc, 4);
});
same!(set_bit_too_far: SetBitTooFar => faulted("typevm", "shift amount"));
same!(test_bit_of_a_list: TestBitOfAList => faulted("typevm", "`{op}` expects a number"));
same!(set_bit_with_a_list: SetBitWithAList => faulted("typevm", "`{op}` expects a number"));
same!(ctz_of_a_list: CtzOfAList => faulted("typevm", "`{op}` expects a number"));
same!(test_bit_underflow: TestBitUnderflow => faulted("typevm", "stack underflow"));
same!(jmp_to_end: JmpToEnd => |s: &Snapshot| {
    assert_eq!((s.verdict.pc, s.verdict.op), (3, None));
    faulted("typevm", "execution ran past the last instruction")(s);
});
same!(jz_past_end: JzPastEnd => |s: &Snapshot| {
    assert_eq!(s.verdict.pc, 2);
    assert_eq!(top(s), Val::Num(0), "the condition is back on the stack");
});
same!(jnz_before_start: JnzBeforeStart => |s: &Snapshot| assert_eq!(s.verdict.pc, 2));
same!(jmp_num_distance: JmpNumDistance => |s: &Snapshot| assert_eq!(top(s), Val::Num(8)));
same!(jmp_path_distance: JmpPathDistance => halted_with(5));
same!(jmp_self: JmpSelf, budget = U100 => |s: &Snapshot| {
    assert_eq!(s.verdict.status, Status::Exhausted);
    assert_eq!(s.verdict.pc, 1);
});

/// The zipper's halves are nominal lists: one unit type per position, each
/// naming its head and its neighbour, and a jump's `Behind` cell links to its
/// target's cells.
#[test]
fn program_cells_are_a_nominal_zipper() {
    use core::any::TypeId;
    use typevm::machine::{Ahead, Behind, End, Land, NoJump, Start};
    type A0 = <SumTo as Program>::Code;
    type B0 = <A0 as Ahead>::Behind;
    assert_eq!(TypeId::of::<<A0 as Ahead>::Head>(), TypeId::of::<Store<R0>>());
    assert_eq!(TypeId::of::<<B0 as Behind>::Head>(), TypeId::of::<Start>());
    type A1 = <A0 as Ahead>::Tail;
    type B1 = <A0 as Ahead>::Passed;
    assert_eq!(TypeId::of::<<A1 as Ahead>::Behind>(), TypeId::of::<B1>());
    assert_eq!(TypeId::of::<<B1 as Behind>::Tail>(), TypeId::of::<B0>());
    assert_eq!(TypeId::of::<<B1 as Behind>::Jump>(), TypeId::of::<NoJump>());
    assert_eq!((<B0 as Behind>::PC, <B1 as Behind>::PC), (0, 1));
    // Instruction #11 of `SumTo` is `Jmp<Back<U10>>`: its cell links to #1.
    type A11 = <<<<<<<<<<A1 as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail
        as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail as Ahead>::Tail;
    assert_eq!(TypeId::of::<<A11 as Ahead>::Head>(), TypeId::of::<Jmp<Back<U10>>>());
    type B12 = <A11 as Ahead>::Passed;
    assert_eq!(TypeId::of::<<B12 as Behind>::Jump>(), TypeId::of::<Land<B1, A1>>());
    // Past the last instruction: `End`, whose tail is itself.
    type A13 = <<A11 as Ahead>::Tail as Ahead>::Tail;
    assert_eq!(TypeId::of::<<A13 as Ahead>::Head>(), TypeId::of::<Halt>());
    type A14 = <A13 as Ahead>::Tail;
    assert_eq!(TypeId::of::<<A14 as Ahead>::Head>(), TypeId::of::<End>());
    assert_eq!(TypeId::of::<<A14 as Ahead>::Tail>(), TypeId::of::<A14>());
}

same!(jmp_before_start: JmpBeforeStart => |s: &Snapshot| {
    faulted("typevm", "`{op}` jumps before the start")(s);
    assert_eq!(s.verdict.pc, 2);
});
same!(falls_off_end: FallsOffEnd => |s: &Snapshot| {
    faulted("typevm", "execution ran past the last instruction")(s);
    assert_eq!(s.verdict.pc, 1);
});
same!(pop_empty: PopEmpty => faulted("typevm", "stack underflow"));
same!(store_empty: StoreEmpty => faulted("typevm", "stack underflow"));
same!(add_one_operand: AddOneOperand => faulted("typevm", "stack underflow"));
same!(add_list: AddList => faulted("typevm", "`{op}` expects a number"));
same!(uncons_number: UnconsNumber => faulted("typevm", "`{op}` expects a list"));
same!(field_of_number: FieldOfNumber => faulted("typevm", "`{op}` expects a record"));
same!(field_of_record: FieldOfRecord => halted_with(0x1000));
same!(no_such_field: NoSuchFieldInRecord => faulted("typevm", "`{op}`: record {item} has no such field"));
same!(assert_passes: AssertPasses => |s: &Snapshot| assert_eq!(s.stack, Val::Nil));
same!(assert_fails: AssertFails => |s: &Snapshot| match s.verdict.status {
    Status::Faulted { reason, item: Item::One(Val::Rec(r)) } => {
        assert_eq!(reason.check, "tests: windows");
        assert_eq!(r.name, "Window");
    }
    other => panic!("{other:?}"),
});
same!(jz_on_list: JzOnList => faulted("typevm", "`{op}` expects a number"));

same!(memory_round_trip: MemoryRoundTrip => |s: &Snapshot| {
    assert_eq!(s.memory[0], Val::Num(0x42));
    assert_eq!(s.memory[255], Val::Num(u64::MAX));
    assert!(matches!(s.memory[16], Val::Rec(r) if r.name == "Window"));
    let top3: Vec<u64> = {
        let mut v = Vec::new();
        let mut rest = s.stack;
        while let Some((h, t)) = rest.uncons() { v.push(h.num().unwrap()); rest = t; }
        v
    };
    assert_eq!(top3, [0, u64::MAX, 0x42]);
});
same!(peek_out_of_range: PeekOutOfRange => faulted("typevm", "`{op}`: address {item} is outside memory"));
same!(poke_list_address: PokeListAddress => faulted("typevm", "`{op}` expects a number"));
same!(fail2_pair: Fail2Pair => |s: &Snapshot| match s.verdict.status {
    Status::Faulted { item: Item::Pair(Val::Num(1), Val::Rec(r)), .. } => assert_eq!(r.name, "Window"),
    other => panic!("{other:?}"),
});
same!(assert2_passes: Assert2Passes => |s: &Snapshot| assert_eq!(s.stack, Val::Nil));
same!(assert2_fails: Assert2Fails => |s: &Snapshot| match s.verdict.status {
    Status::Faulted { item: Item::Pair(Val::Num(1), Val::Num(2)), reason } => assert_eq!(reason.check, "tests: windows"),
    other => panic!("{other:?}"),
});
same!(memory_fill: MemoryFill => halted_with(255 * 256 / 2));
same!(jz_on_wide_zero: JzOnWideZero => halted_with(7));
same!(assert_on_wide_zero: AssertOnWideZero => faulted("tests: windows", "window"));
same!(report_on_wide_zero: ReportOnWideZero => |s: &Snapshot| assert!(matches!(s.verdict.status, Status::Reported(_))));
same!(report_passes: ReportPasses => |s: &Snapshot| assert_eq!(s.verdict.status, Status::Halted));
same!(report_goes_on: ReportGoesOn => |s: &Snapshot| {
    // Every violation is kept, in order, and the run went on to `Halt`.
    assert_eq!(top(s), Val::Num(3));
    let Status::Reported(v) = s.verdict.status else { panic!("{:?}", s.verdict) };
    assert_eq!((v.len(), v.dropped), (3, 0));
    assert!(matches!(v.kept[0], Some(typevm::reflect::Note { item: Item::One(Val::Rec(r)), .. }) if r.name == "Window"));
    assert!(matches!(v.kept[1], Some(typevm::reflect::Note { item: Item::One(Val::Num(7)), .. })));
    assert!(matches!(v.kept[2], Some(typevm::reflect::Note { item: Item::Pair(Val::Num(1), Val::Rec(_)), .. })));
    let m = typevm::message::verdict_message(&s.verdict, "ReportGoesOn", "W", 0);
    assert_eq!(m.as_str().matches("check `tests: windows` failed for `W`").count(), 3, "{m}");
});
same!(report_on_list: ReportOnList => faulted("typevm", "`{op}` expects a number"));
same!(report2_underflow: Report2Underflow => faulted("typevm", "stack underflow"));
same!(report_twenty: ReportTwenty => |s: &Snapshot| {
    let Status::Reported(v) = s.verdict.status else { panic!("{:?}", s.verdict) };
    assert_eq!((v.len(), v.dropped), (16, 4));
    assert!(matches!(v.kept[15], Some(typevm::reflect::Note { item: Item::One(Val::Num(15)), .. })));
    let m = typevm::message::verdict_message(&s.verdict, "ReportTwenty", "", 0);
    assert!(m.as_str().ends_with("... and 4 more violations of this check"), "{m}");
});

// ------------------------------------------------------------ tick counting

// SumTo on 8 takes exactly 93 ticks (checked against the twin below): a
// budget of 93 halts at both levels, 92 runs out at both levels.
same!(budget_exact: SumTo, input = HList![U8], budget = U93 => halted_with(36));
same!(budget_one_short: SumTo, input = HList![U8], budget = U92 =>
    |s: &Snapshot| assert_eq!(s.verdict.status, Status::Exhausted));

#[test]
fn sum_to_8_tick_count() {
    let run = interp::run(SumTo::OPS, &[Val::Num(8)], 1000).unwrap();
    assert_eq!(run.ticks, 93);
}

/// A messages check: the const-built text a failed check becomes.
#[test]
fn verdict_messages_read_as_the_failure() {
    const SNAP: Snapshot = <typevm::Outcome<<SubUnderflow as Program>::Code> as Snapshots>::SNAPSHOT;
    let m = typevm::message::verdict_message(&SNAP.verdict, "SubUnderflow", "", 0);
    assert_eq!(
        m.as_str(),
        "typevm fault in `SubUnderflow` at instruction #2 (`Sub`): subtract underflow: 0x2 - 0x5 is negative\n\
         help: compare with `Lt` before subtracting"
    );
    const W: Snapshot = <typevm::Outcome<<AssertFails as Program>::Code> as Snapshots>::SNAPSHOT;
    let m = typevm::message::verdict_message(&W.verdict, "AssertFails", "", 0);
    assert_eq!(
        m.as_str(),
        "check `tests: windows` failed: window `Window` [0x9000000, +0x1000) is too small\nhelp: grow it"
    );
}

#[test]
fn sum_to_9100_tick_count() {
    // Pinned by `ui/pass/hundred_thousand_steps.rs`, which runs it in the solver.
    let run = interp::run(SumTo::OPS, &[Val::Num(9100)], typevm::DEFAULT_BUDGET).unwrap();
    assert_eq!(run.ticks, 100_105);
    assert!(run.ticks > 100_000);
}

// ------------------------------------------------- nominal lists by hand

/// A nominal list cell declared by hand: shape and rank (items from it to the end).
macro_rules! cell {
    ($name:ident = $shape:ty, rank $rank:ty) => {
        pub struct $name;
        impl typevm::value::Declared for $name {
            type Form = typevm::value::CellOf<$shape, $rank>;
            const NAME: &'static str = stringify!($name);
            const DISPLAY: typevm::value::Display = typevm::value::Display::Name;
        }
    };
}
cell!(Three = frunk::HCons<U3, Four>, rank U2);
cell!(Four = frunk::HCons<U4, End>, rank U1);
cell!(End = frunk::HNil, rank U0);
// A frunk list may end a nominal one: its rank is its length.
cell!(Five = frunk::HCons<U5, HList![U6, U7]>, rank U3);
// A list that unfolds forever: the next cell of a rank-1 cell must have rank 0.
cell!(Unending = frunk::HCons<U1, Unending>, rank U1);
// A cell that claims more items than follow it, and an empty one that claims one.
cell!(Overclaims = frunk::HCons<U1, End>, rank U2);
cell!(EmptyClaimsOne = frunk::HNil, rank U1);
// A rank past the longest list, its chain consistent (a generic countdown).
pub struct Countdown<N>(core::marker::PhantomData<N>);
impl<N: Unsigned + core::ops::Sub<typenum::B1> + 'static> typevm::value::Declared for Countdown<N>
where
    typenum::Sub1<N>: 'static,
{
    type Form = typevm::value::CellOf<frunk::HCons<U1, Countdown<typenum::Sub1<N>>>, N>;
    const NAME: &'static str = "Countdown";
    const DISPLAY: typevm::value::Display = typevm::value::Display::Name;
}
same!(nominal_list_sums: ListSum, input = HList![Three] => halted_with(7));
same!(nominal_list_ends_in_frunk: ListSum, input = HList![Five] => halted_with(18));
same!(list_unfolding_forever_faults: ListSum, input = HList![Unending] => |s: &Snapshot| {
    faulted("typevm", "`{op}`: {item} is not a well-formed list cell")(s);
    // At the first `Uncons`, not when the budget runs out.
    assert_eq!(s.verdict.pc, 0);
    assert!(matches!(s.verdict.status, Status::Faulted { item: Item::One(Val::Rec(r)), .. } if r.name == "Unending"));
});
same!(cell_overclaiming_faults: ListSum, input = HList![Overclaims] => faulted("typevm", "`{op}`: {item} is not a well-formed"));
same!(empty_cell_claiming_faults: ListSum, input = HList![EmptyClaimsOne] => faulted("typevm", "`{op}`: {item} is not a well-formed"));
same!(rank_past_the_longest_list_faults: ListSum, input = HList![Countdown<num!(4097)>] => faulted("typevm", "`{op}`: {item} is not a well-formed"));
