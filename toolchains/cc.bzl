"""Halcyon's C rules: one place for warnings, sanitizers and the test runtime."""

WARNINGS = ["-Wall", "-Wextra", "-Werror", "-std=gnu11"]

# Host builds (sim, tests) run under ASan+UBSan; the aarch64 toolchain sets its own flags.
_SAN = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
SAN_COPTS = select({
    "//toolchains:is_aarch64": [],
    "//toolchains:host_nosan": ["-O2", "-g"],
    "//conditions:default": _SAN + ["-g"],
})
SAN_LINKOPTS = select({
    "//toolchains:is_aarch64": [],
    "//toolchains:host_nosan": [],
    "//conditions:default": _SAN,
})

def hal_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = WARNINGS + SAN_COPTS + copts, **kwargs)

def hal_cc_binary(name, copts = [], linkopts = [], **kwargs):
    native.cc_binary(
        name = name,
        copts = WARNINGS + SAN_COPTS + copts,
        linkopts = SAN_LINKOPTS + linkopts,
        **kwargs
    )

def hal_cc_test(name, copts = [], linkopts = [], deps = [], size = "small", **kwargs):
    """A CMocka unit test: one binary per module, run under ASan+UBSan."""
    native.cc_test(
        name = name,
        size = size,
        # Static: a test links only the modules it uses, and fakes stand in for the rest.
        linkstatic = True,
        copts = WARNINGS + SAN_COPTS + copts,
        linkopts = SAN_LINKOPTS + linkopts + ["-lcmocka"],
        deps = deps,
        **kwargs
    )
