/*
 * thunk.c - the return thunk alloc/ is built to return through on x86-64,
 * as Xen is: since 4.17.7 (CONFIG_RETURN_THUNK, on in Debian's build) Xen
 * compiles with -mfunction-return=thunk-extern (xen/arch/x86/arch.mk), so
 * every out-of-line function returns with a jump to __x86_return_thunk,
 * which is "ret; int3" (xen/arch/x86/indirect-thunk.S): two instructions
 * per return where a plain build pays one.  The Makefile gives alloc/'s
 * objects the same flag when the compiler has it; this is the target.
 */
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl __x86_return_thunk\n"
        ".type __x86_return_thunk, @function\n"
        "__x86_return_thunk:\n"
        "\tret\n"
        "\tint3\n"
        ".size __x86_return_thunk, . - __x86_return_thunk\n");
#endif
