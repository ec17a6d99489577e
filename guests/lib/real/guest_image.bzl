"""guest_image: a guest program linked with guests/lib/real into a bare-metal EL1 image."""

load("//toolchains:cc.bzl", "hal_cc_binary")
load("//toolchains:image.bzl", "arm64_image")

_AARCH64 = ["@platforms//cpu:aarch64"]
_LDS = "//guests/lib/real:guest.lds"

def guest_image(name, deps, **kwargs):
    """bazel-bin/<package>/<name>.elf and <name>.bin (raw, arm64 Image header), built for aarch64
    from any configuration. deps: the program's libraries (alwayslink, defining guest_main)."""
    hal_cc_binary(
        name = name + "_elf",
        additional_linker_inputs = [_LDS],
        linkopts = ["-T", "$(location %s)" % _LDS],
        target_compatible_with = _AARCH64,
        deps = deps + ["//guests/lib/real"],
    )
    native.genrule(
        name = name + "_raw",
        srcs = [":" + name + "_elf"],
        outs = [name + "_raw.bin"],
        cmd = "$(OBJCOPY) -O binary $< $@",
        target_compatible_with = _AARCH64,
        toolchains = ["//hal/real:cc_vars"],
    )
    arm64_image(
        name = name,
        bin = ":" + name + "_raw",
        elf = ":" + name + "_elf",
        **kwargs
    )
