"""A freestanding aarch64 toolchain for the EL2 image: Debian's aarch64-linux-gnu-gcc, no libc."""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)

_GCC_INCLUDE = "/usr/lib/gcc-cross/aarch64-linux-gnu/12/include"

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _impl(ctx):
    tools = {
        "gcc": "/usr/bin/aarch64-linux-gnu-gcc",
        "ld": "/usr/bin/aarch64-linux-gnu-ld",
        "ar": "/usr/bin/aarch64-linux-gnu-ar",
        "cpp": "/usr/bin/aarch64-linux-gnu-cpp",
        "gcov": "/usr/bin/false",
        "nm": "/usr/bin/aarch64-linux-gnu-nm",
        "objcopy": "/usr/bin/aarch64-linux-gnu-objcopy",
        "objdump": "/usr/bin/aarch64-linux-gnu-objdump",
        "strip": "/usr/bin/aarch64-linux-gnu-strip",
    }
    compile_flags = feature(
        name = "default_compile_flags",
        enabled = True,
        flag_sets = [flag_set(
            actions = _COMPILE_ACTIONS,
            flag_groups = [flag_group(flags = [
                "-ffreestanding",
                "-nostdinc",
                "-isystem",
                _GCC_INCLUDE,
                # The hypervisor never touches FP/SIMD itself, so guest FP state survives traps.
                "-mgeneral-regs-only",
                # gcc 12 would otherwise call libgcc's __aarch64_* helpers for atomics.
                "-mno-outline-atomics",
                "-fno-stack-protector",
                "-fpie",
                "-fno-common",
                "-ffunction-sections",
                "-fdata-sections",
                "-std=gnu11",
                "-O2",
                # No frame records: the panic dump prints registers, not a backtrace.
                "-fomit-frame-pointer",
                "-g",
                "-Wall",
                "-Wextra",
                "-Werror",
            ])],
        )],
    )
    link_flags = feature(
        name = "default_link_flags",
        enabled = True,
        flag_sets = [flag_set(
            actions = _LINK_ACTIONS,
            flag_groups = [flag_group(flags = [
                "-nostdlib",
                "-static-pie",
                "-Wl,--gc-sections",
                "-Wl,-z,norelro",
                "-Wl,--no-dynamic-linker",
                "-Wl,--build-id=none",
            ])],
        )],
    )
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = [compile_flags, link_flags, feature(name = "supports_pic", enabled = True)],
        cxx_builtin_include_directories = [_GCC_INCLUDE],
        toolchain_identifier = "aarch64-none",
        host_system_name = "x86_64-linux-gnu",
        target_system_name = "aarch64-none-elf",
        target_cpu = "aarch64",
        target_libc = "none",
        compiler = "gcc",
        abi_version = "none",
        abi_libc_version = "none",
        tool_paths = [tool_path(name = k, path = v) for k, v in tools.items()],
    )

aarch64_cc_toolchain_config = rule(
    implementation = _impl,
    provides = [CcToolchainConfigInfo],
)
