/** Python's built-in exception class names: a JS error named one of these maps to `exc_module: "builtins"`. */
export const PYTHON_BUILTIN_EXCEPTIONS: ReadonlySet<string> = new Set([
  "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BlockingIOError",
  "BrokenPipeError", "BufferError", "ChildProcessError", "ConnectionAbortedError", "ConnectionError",
  "ConnectionRefusedError", "ConnectionResetError", "EOFError", "EnvironmentError", "FileExistsError",
  "FileNotFoundError", "FloatingPointError", "IOError", "ImportError", "IndentationError", "IndexError",
  "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
  "ModuleNotFoundError", "NameError", "NotADirectoryError", "NotImplementedError", "OSError", "OverflowError",
  "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError", "RuntimeError", "StopIteration",
  "SyntaxError", "SystemError", "TabError", "TimeoutError", "TypeError", "UnboundLocalError", "UnicodeDecodeError",
  "UnicodeEncodeError", "UnicodeError", "ValueError", "ZeroDivisionError",
]);
