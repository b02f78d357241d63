//! Example programs for the engine. Each takes its input on the stack (an
//! HList, top first) and leaves its result on the top of the stack.
//!
//! Jump distances count instructions: `Jz<Fwd<U9>>` at index 3 continues at
//! index 3 + 1 + 9 = 13; `Jmp<Back<U10>>` at index 11 continues at 11 - 10 = 1.
//! The comments give each instruction's index.

use typenum::{U1, U2, U4, U5, U7, U8, U9, U10, U11, U12, U14, U17, U18, U19, U20, U22, U25};
use typevm::isa::{regs::*, *};

typevm::reason! {
    /// The reason `FailsOnPurpose` stops with.
    pub DemoFailure: "examples: fail on purpose",
        "the program failed on purpose with {item}",
        "nothing to fix: this program shows what a failed check looks like";
}

typevm::program! {
    /// `n` → `1 + 2 + ... + n` (also left in r1). With n = 8: 36.
    pub SumTo = [
        Store<R0>,                      // 0: r0 = n
        Load<R0>, Jz<Fwd<U9>>,          // 1, 2: while r0 != 0
        Load<R1>, Load<R0>, Add, Store<R1>,   // 3-6: r1 += r0
        Load<R0>, Push<U1>, Sub, Store<R0>,   // 7-10: r0 -= 1
        Jmp<Back<U10>>,                 // 11: to 1
        Load<R1>, Halt,                 // 12, 13
    ];

    /// `a, b` → `a * b` by repeated addition (b is the top).
    pub MulByAdd = [
        Store<R0>, Store<R1>,           // 0, 1: r0 = b, r1 = a
        Load<R0>, Jz<Fwd<U9>>,          // 2, 3: while r0 != 0
        Load<R2>, Load<R1>, Add, Store<R2>,   // 4-7: r2 += a
        Load<R0>, Push<U1>, Sub, Store<R0>,   // 8-11: r0 -= 1
        Jmp<Back<U10>>,                 // 12: to 2
        Load<R2>, Halt,                 // 13, 14
    ];

    /// `n` → the n-th Fibonacci number (fib 0 = 0, fib 1 = 1; fib 10 = 55).
    pub Fibonacci = [
        Store<R0>, Push<U1>, Store<R2>, // 0-2: r0 = n, r1 = 0, r2 = 1
        Load<R0>, Jz<Fwd<U11>>,         // 3, 4: while r0 != 0
        Load<R1>, Load<R2>, Dup, Store<R1>,   // 5-8: a, b; r1 = b
        Add, Store<R2>,                 // 9, 10: r2 = a + b
        Load<R0>, Push<U1>, Sub, Store<R0>,   // 11-14: r0 -= 1
        Jmp<Back<U12>>,                 // 15: to 3
        Load<R1>, Halt,                 // 16, 17
    ];

    /// `n` → `n (n + 1) / 2`, counted one by one in a nested loop
    /// (for i in n..=1, for j in i..=1: count += 1).
    pub NestedCount = [
        Store<R0>,                      // 0: i = n
        Load<R0>, Jz<Fwd<U18>>,         // 1, 2: while i != 0
        Load<R0>, Store<R1>,            // 3, 4: j = i
        Load<R1>, Jz<Fwd<U9>>,          // 5, 6: while j != 0
        Load<R2>, Push<U1>, Add, Store<R2>,   // 7-10: count += 1
        Load<R1>, Push<U1>, Sub, Store<R1>,   // 11-14: j -= 1
        Jmp<Back<U10>>,                 // 15: to 5
        Load<R0>, Push<U1>, Sub, Store<R0>,   // 16-19: i -= 1
        Jmp<Back<U19>>,                 // 20: to 1
        Load<R2>, Halt,                 // 21, 22
    ];

    /// `a, b` (both > 0) → gcd by repeated subtraction.
    pub Gcd = [
        Store<R1>, Store<R0>,           // 0, 1: r1 = b, r0 = a
        Load<R0>, Load<R1>, Eq, Jnz<Fwd<U14>>,  // 2-5: while a != b
        Load<R0>, Load<R1>, Lt, Jnz<Fwd<U5>>,   // 6-9: if a < b goto 15
        Load<R0>, Load<R1>, Sub, Store<R0>,     // 10-13: a -= b
        Jmp<Back<U12>>,                 // 14: to 2
        Load<R1>, Load<R0>, Sub, Store<R1>,     // 15-18: b -= a
        Jmp<Back<U17>>,                 // 19: to 2
        Load<R0>, Halt,                 // 20, 21
    ];

    /// `x` → the number of one bits in x.
    pub Popcount = [
        Store<R0>,                      // 0
        Load<R0>, Jz<Fwd<U11>>,         // 1, 2: while x != 0
        Load<R1>, Load<R0>, Push<U1>, And, Add, Store<R1>,  // 3-8: r1 += x & 1
        Load<R0>, Push<U1>, Shr, Store<R0>,     // 9-12: x >>= 1
        Jmp<Back<U12>>,                 // 13: to 1
        Load<R1>, Halt,                 // 14, 15
    ];

    /// `list` → the sum of its elements.
    pub ListSum = [
        Uncons, Jz<Fwd<U4>>,            // 0, 1: tail, head, 1 | 0
        Load<R0>, Add, Store<R0>,       // 2-4: r0 += head
        Jmp<Back<U5>>,                  // 5: to 0 with the tail
        Load<R0>, Halt,                 // 6, 7
    ];

    /// `list` → its largest element (0 for the empty list).
    pub ListMax = [
        Uncons, Jz<Fwd<U8>>,            // 0, 1
        Dup, Load<R0>, Lt, Jnz<Fwd<U2>>,  // 2-5: if head < max goto 8
        Store<R0>, Jmp<Back<U7>>,       // 6, 7: max = head; to 0
        Pop, Jmp<Back<U9>>,             // 8, 9: drop head; to 0
        Load<R0>, Halt,                 // 10, 11
    ];

    /// `x` → the number of Collatz steps from x to 1 (27 takes 111).
    pub CollatzSteps = [
        Store<R0>,                      // 0
        Load<R0>, Push<U1>, Eq, Jnz<Fwd<U22>>,  // 1-4: while x != 1
        Load<R1>, Push<U1>, Add, Store<R1>,     // 5-8: steps += 1
        Load<R0>, Push<U1>, And, Jz<Fwd<U9>>,   // 9-12: if x even goto 22
        Load<R0>, Dup, Dup, Add, Add, Push<U1>, Add, Store<R0>,  // 13-20: x = 3x + 1
        Jmp<Back<U20>>,                 // 21: to 1
        Load<R0>, Push<U1>, Shr, Store<R0>,     // 22-25: x >>= 1
        Jmp<Back<U25>>,                 // 26: to 1
        Load<R1>, Halt,                 // 27, 28
    ];

    /// `x` → `x` with its bytes' order reversed within the low 16 bits
    /// (`0xABCD` → `0xCDAB`): shifts and masks.
    pub Swap16 = [
        Dup, Push<U8>, Shr, Push<typevm::num!(0xff)>, And,  // 0-4: hi = (x >> 8) & 0xff
        Swap, Push<typevm::num!(0xff)>, And, Push<U8>, Shl,  // 5-9: lo = (x & 0xff) << 8
        Or, Halt,                       // 10, 11
    ];

    /// Pushes a number and fails on purpose with [`DemoFailure`].
    pub FailsOnPurpose = [
        Push<typevm::num!(0x2a)>, Fail<DemoFailure>, Halt,
    ];

    /// Runs forever (for the step budget).
    pub Forever = [
        Load<R0>, Push<U1>, Add, Store<R0>, Jmp<Back<U4>>,
    ];
}
