// A handler table made without the gate: the old hidden constructor is
// gone and the fields are private, so `HandlerTable::checked` (which runs
// the check) is the only way to one.
use programs::HandlerTable;
use programs::board::Lifecycle;

fn on_boot(_: &()) {}

fn main() {
    let _ = HandlerTable::<(), Lifecycle>::__new(&[]);
    let _ = HandlerTable::<(), Lifecycle> { ids: &[(0, 1)], functions: &[on_boot], _table: core::marker::PhantomData };
}
