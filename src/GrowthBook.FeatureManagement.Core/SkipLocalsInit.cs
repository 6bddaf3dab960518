// The JIT does not zero a method's locals and stackalloc buffers before use: every buffer this assembly stackallocs is
// written before it is read (JsNumber, Fnv, PercentEncoding, MemberNames), and C# requires every local to be assigned.
// References are still zeroed, as the GC needs. Zeroing the payload reader's frames was a measurable part of a parse.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
