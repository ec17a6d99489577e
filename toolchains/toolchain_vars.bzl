"""$(OBJCOPY) for genrules from the cc toolchain that toolchain resolution picks for the target.

Bazel 4.2.3's @bazel_tools//tools/cpp:current_cc_toolchain ignores
--incompatible_enable_cc_toolchain_resolution and hands genrules the host's objcopy."""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

def _impl(ctx):
    cc = find_cpp_toolchain(ctx)
    return [platform_common.TemplateVariableInfo({"OBJCOPY": cc.objcopy_executable})]

cc_toolchain_vars = rule(
    implementation = _impl,
    attrs = {
        "_cc_toolchain": attr.label(default = "@bazel_tools//tools/cpp:current_cc_toolchain"),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    incompatible_use_toolchain_transition = True,
)
