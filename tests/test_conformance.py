"""Protocol conformance with jupyter_kernel_test, the Jupyter project's own
kernel test suite. Each sample states what IGo promises to answer."""

from __future__ import annotations

import jupyter_kernel_test


class IGoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "igo"
    language_name = "go"
    file_extension = ".go"

    # Standard packages are imported on first use, as in a Go playground
    # cell: no import line needed.
    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "oops")'

    # Matches are the full replacement of the token that starts at
    # cursor_start (the identifier after the dot), compared as sets.
    completion_samples = [
        {"text": "strings.ToU", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
    ]

    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() {}", ""]
    incomplete_code_samples = [
        "func f() {",
        "for i := 0; i < 3; i++ {",
        "x := []int{1,\n2,",
        "s := `raw",
    ]
    invalid_code_samples = ["x := )", "}"]

    # A panic is the error: exactly one iopub output, the error itself.
    code_generate_error = 'panic("boom")'

    # A cell's trailing expression is its result.
    code_execute_result = [{"code": "6*7", "result": "42"}]
    code_history_pattern = "6*?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "strings.ToUpper"

    code_page_something = "strings.ToUpper?"

    # Rich output is checked in IGoDisplayTests below, not here.
    code_display_data: list[dict[str, str]] = []
    code_clear_output = ""
    test_display_data = None
    test_clear_output = None


class IGoDisplayTests(jupyter_kernel_test.KernelTests):
    """The display package's rich outputs, through the same harness.

    Kept apart so that its state is visible at a glance: these fail until
    the display package is wired into the runtime."""

    kernel_name = "igo"
    code_display_data = [
        {"code": 'display.HTML("<b>hi</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("*hi*")', "mime": "text/markdown"},
    ]
    code_clear_output = "display.Clear(false)"

    # Everything else runs in IGoKernelTests; not collected here.
    test_kernel_info = None
    test_execute_stdout = None
    test_execute_stderr = None
    test_completion = None
    test_is_complete = None
    test_pager = None
    test_error = None
    test_execute_result = None
    test_history = None
    test_inspect = None
