"""Builds the arm64 hypervisor image from any configuration, so plain `bazel build //:hyp_arm64` works."""

def _arm64_transition_impl(settings, attr):
    return {
        "//command_line_option:platforms": "//toolchains:aarch64_none",
        # Host-only flags (sanitizers, coverage) must not reach the freestanding image.
        "//command_line_option:collect_code_coverage": False,
        "//command_line_option:copt": [],
        "//command_line_option:linkopt": [],
    }

arm64_transition = transition(
    implementation = _arm64_transition_impl,
    inputs = [],
    outputs = [
        "//command_line_option:platforms",
        "//command_line_option:collect_code_coverage",
        "//command_line_option:copt",
        "//command_line_option:linkopt",
    ],
)

def _arm64_image_impl(ctx):
    elf = ctx.actions.declare_file(ctx.label.name + ".elf")
    bin = ctx.actions.declare_file(ctx.label.name + ".bin")
    ctx.actions.symlink(output = elf, target_file = ctx.files.elf[0])
    ctx.actions.symlink(output = bin, target_file = ctx.files.bin[0])
    return [DefaultInfo(files = depset([elf, bin]), runfiles = ctx.runfiles(files = [elf, bin]))]

arm64_image = rule(
    implementation = _arm64_image_impl,
    attrs = {
        "elf": attr.label(cfg = arm64_transition, mandatory = True),
        "bin": attr.label(cfg = arm64_transition, mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
