"""guest_program: one guest program in both worlds, from one list of sources and dependencies."""

load("//guests/lib/real:guest_image.bzl", "guest_image")
load("//toolchains:cc.bzl", "hal_cc_library")

def guest_program(name, srcs, deps):
    """<name>: the world-agnostic library (guest_main); <name>_arm64: it linked with lib/real into
    an EL1 image; <name>_sim: the same sources with guest_main renamed <name>_main, because hypsim
    links every program into one binary (guests/sim/programs.c names them)."""
    hal_cc_library(name = name, srcs = srcs, deps = deps, alwayslink = True)
    guest_image(name = name + "_arm64", deps = [":" + name])
    hal_cc_library(
        name = name + "_sim",
        srcs = srcs,
        copts = ["-Dguest_main=%s_main" % name],
        deps = deps,
    )
