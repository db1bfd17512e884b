//! Typed views of a trace row: each table declares its columns as a `#[repr(C)]` struct of `T`
//! (one doc line per column) and reads a row through [`ColumnView::view`] instead of hand-kept
//! index constants.

/// A `#[repr(C)]` struct whose fields are all `T` or arrays of `T`, viewed over a row `&[T]`.
///
/// # Safety
/// Implement only for `#[repr(C)]` structs whose every field is `T` or `[T; N]` (nested such
/// structs are fine). Then the struct has the size of `WIDTH` values of `T`, no padding, and
/// the alignment of `T`, so a row of `WIDTH` values can be viewed as the struct. Use
/// [`impl_columns!`](crate::impl_columns) rather than writing the impl by hand.
pub unsafe trait ColumnView<T>: Sized {
    /// Number of columns.
    const WIDTH: usize = core::mem::size_of::<Self>() / core::mem::size_of::<T>();

    fn view(row: &[T]) -> &Self {
        assert_eq!(row.len(), Self::WIDTH, "row width");
        // SAFETY: the trait's contract makes `Self` a padding-free sequence of `WIDTH` values
        // of `T` with `T`'s alignment; the slice holds exactly that many, contiguous.
        unsafe { &*(row.as_ptr() as *const Self) }
    }

    fn view_mut(row: &mut [T]) -> &mut Self {
        assert_eq!(row.len(), Self::WIDTH, "row width");
        // SAFETY: as in `view`, and the exclusive borrow of the slice carries over.
        unsafe { &mut *(row.as_mut_ptr() as *mut Self) }
    }
}

/// Declares `$name<T>` (a `#[repr(C)]` struct of `T` fields) a [`ColumnView`].
#[macro_export]
macro_rules! impl_columns {
    ($name:ident) => {
        // SAFETY: `$name` is `#[repr(C)]` with only `T` / `[T; N]` fields (checked by the
        // size assertion in `ColumnView::view` for every row it is used on).
        unsafe impl<T> $crate::cols::ColumnView<T> for $name<T> {}
    };
}

/// Number of columns of a column struct.
pub const fn width<S>() -> usize {
    core::mem::size_of::<S>() / core::mem::size_of::<u64>()
}
