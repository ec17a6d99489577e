"""Fuzz harnesses: one LLVMFuzzerTestOneInput source, three binaries.

fuzz_harness(name = "x", ...) gives
  :x            the plain host binary (gcc, ASan+UBSan, like every host test) with a replay main:
                `x FILE|DIR...` runs each input once; crash files reproduce with it;
  :x_lib        the harness alone, for the corpus regression test in tests/fuzz;
  :x_libfuzzer  clang -fsanitize=fuzzer,address,undefined;
  :x_afl        afl-clang-fast -fsanitize=fuzzer (AFL++'s persistent shared-memory driver), CMPLOG
                instrumentation in the same binary (AFL_LLVM_CMPLOG=1; run afl-fuzz with -c 0).

The engine binaries need every C source of the harness's dependencies compiled by clang with the
engine's instrumentation, not gcc's archives: an aspect walks `deps` and collects their `srcs`, and
one action compiles and links them with the include paths and link flags the cc rules computed.
"""

load("//toolchains:cc.bzl", "SAN_LINKOPTS", "hal_cc_binary", "hal_cc_library")

_FuzzSrcsInfo = provider(fields = ["srcs"])

def _srcs_aspect_impl(target, ctx):
    own = []
    if hasattr(ctx.rule.files, "srcs"):
        own = [f for f in ctx.rule.files.srcs if f.extension == "c"]
    deps = []
    for attr in ("deps", "actual"):
        v = getattr(ctx.rule.attr, attr, None)
        if v == None:
            continue
        for d in (v if type(v) == "list" else [v]):
            if _FuzzSrcsInfo in d:
                deps.append(d[_FuzzSrcsInfo].srcs)
    return [_FuzzSrcsInfo(srcs = depset(own, transitive = deps))]

_srcs_aspect = aspect(implementation = _srcs_aspect_impl, attr_aspects = ["deps", "actual"])

# Debug info and optimisation as OSS-Fuzz builds; UBSan aborts so the engines see it as a crash.
_COMMON = ["-std=gnu11", "-g", "-O2", "-fno-omit-frame-pointer", "-Wall", "-Wextra", "-Wno-unused-parameter"]
# The libFuzzer flavour takes an OSS-Fuzz/ClusterFuzzLite build's compiler and flags when given
# (--action_env=FUZZ_CC=$CC --action_env=FUZZ_CFLAGS="$CFLAGS" --action_env=FUZZ_ENGINE=
# "$LIB_FUZZING_ENGINE"); FUZZ_ENGINE is added when linking only.
_ENGINES = {
    "libfuzzer": {
        "cc": "${FUZZ_CC:-clang}",
        "env": "",
        "flags": ["${FUZZ_CFLAGS:--fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all}"],
        "link": "${FUZZ_ENGINE:-}",
    },
    "afl": {
        "cc": "afl-clang-fast",
        # AFL_QUIET: the compiler banner on every file would bury real warnings.
        "env": "AFL_LLVM_CMPLOG=1 AFL_QUIET=1",
        "flags": ["-fsanitize=fuzzer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"],
        "link": "",
    },
}

def _engine_binary_impl(ctx):
    engine = _ENGINES[ctx.attr.engine]
    srcs = depset(
        [f for f in ctx.files.srcs if f.extension == "c"],
        transitive = [d[_FuzzSrcsInfo].srcs for d in ctx.attr.deps],
    ).to_list()
    cc = cc_common.merge_cc_infos(cc_infos = [d[CcInfo] for d in ctx.attr.deps])
    comp = cc.compilation_context
    flags = list(_COMMON) + engine["flags"] + ctx.attr.copts
    for d in comp.defines.to_list():
        flags.append("-D" + d)
    for i in comp.quote_includes.to_list():
        flags.append("-iquote" + i)
    for i in comp.includes.to_list():
        flags.append("-I" + i)
    for i in comp.system_includes.to_list():
        flags.append("-isystem" + i)
    linkopts = []
    for li in cc.linking_context.linker_inputs.to_list():
        linkopts += li.user_link_flags
    linkopts += ctx.attr.linkopts

    # The dependencies go through an archive, as with the cc rules: only the objects the harness
    # needs are linked, so a dependency's unrelated callers need no fakes.
    own = [f for f in ctx.files.srcs if f.extension == "c"]
    lib = [f for f in srcs if f not in own]
    cmd = ["set -e", "t=$(mktemp -d)", "trap 'rm -rf $t' EXIT", "F=\"%s\"" % " ".join(flags)]
    env = engine["env"]
    extra = []
    if ctx.file.afl_denylist and ctx.attr.engine == "afl":
        # Functions and files AFL++ leaves uninstrumented (its pass ignores no_sanitize("coverage")).
        env += " AFL_LLVM_DENYLIST=$PWD/" + ctx.file.afl_denylist.path
        extra.append(ctx.file.afl_denylist)
    for i, f in enumerate(lib):
        cmd.append("{env} {cc} $F -c {src} -o $t/{i}_{base}.o".format(
            env = env,
            cc = engine["cc"],
            src = f.path,
            i = i,
            base = f.basename,
        ))
    cmd.append("ar rcs $t/deps.a $t/*.o" if lib else "ar rcs $t/deps.a")
    cmd.append("{env} {cc} $F {own} $t/deps.a -o {out} {engine} {link}".format(
        engine = engine["link"],
        env = env,
        cc = engine["cc"],
        own = " ".join([f.path for f in own]),
        out = ctx.outputs.out.path,
        link = " ".join(linkopts),
    ))
    ctx.actions.run_shell(
        inputs = depset(srcs + extra + [f for f in ctx.files.srcs if f.extension != "c"], transitive = [comp.headers]),
        outputs = [ctx.outputs.out],
        command = "\n".join(cmd),
        mnemonic = "FuzzLink",
        progress_message = "Building %s harness %s" % (ctx.attr.engine, ctx.outputs.out.short_path),
        use_default_shell_env = True,
    )
    return [DefaultInfo(files = depset([ctx.outputs.out]), executable = ctx.outputs.out)]

fuzz_engine_binary = rule(
    implementation = _engine_binary_impl,
    attrs = {
        "srcs": attr.label_list(allow_files = True),
        "deps": attr.label_list(aspects = [_srcs_aspect], providers = [CcInfo]),
        "engine": attr.string(values = _ENGINES.keys(), mandatory = True),
        "copts": attr.string_list(),
        "linkopts": attr.string_list(),
        "afl_denylist": attr.label(allow_single_file = True),
        "out": attr.output(mandatory = True),
    },
    executable = False,
)

def fuzz_harness(name, srcs, deps = [], copts = [], engine_copts = [], linkopts = [], afl_denylist = None, **kwargs):
    """A harness (srcs define LLVMFuzzerTestOneInput) built plain, for libFuzzer and for AFL++.

    engine_copts: extra flags for the clang-built engine binaries only (every file they compile).
    afl_denylist: an AFL_LLVM_DENYLIST file ("src: NAME" / "fun: NAME" lines) for the AFL++ build.
    """
    hal_cc_library(
        name = name + "_lib",
        srcs = srcs,
        copts = copts,
        linkopts = linkopts,
        deps = deps,
        alwayslink = True,
        **kwargs
    )
    hal_cc_binary(
        name = name,
        deps = [name + "_lib", "//fuzz:replay"],
        **kwargs
    )
    for engine in _ENGINES.keys():
        fuzz_engine_binary(
            name = name + "_" + engine,
            srcs = srcs,
            deps = deps,
            engine = engine,
            copts = copts + engine_copts,
            linkopts = linkopts,
            afl_denylist = afl_denylist,
            out = name + "_" + engine + ".bin",
            **kwargs
        )

def fuzz_corpus_test(name, harness, size = "small", **kwargs):
    """Replays the harness's corpus (seeds and every crash once fixed) under ASan+UBSan."""
    native.cc_test(
        name = name,
        size = size,
        linkstatic = True,
        linkopts = SAN_LINKOPTS,
        deps = [harness + "_lib", "//fuzz:replay"],
        data = [harness + "_corpus"],
        args = ["$(locations %s_corpus)" % harness],
        **kwargs
    )
