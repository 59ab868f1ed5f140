"""wirecheck_fuzz_target: one libFuzzer target, its corpus, and a replay test.

    wirecheck_fuzz_target(
        name = "line_decoder_fuzzer",
        srcs = ["line_decoder_fuzzer.cc"],   # defines LLVMFuzzerTestOneInput
        deps = ["//protocols/framing:codec"],
        corpus = "corpus/line",              # folder of seed inputs
        dict = "line.dict",                  # optional libFuzzer dictionary
    )

makes
  :line_decoder_fuzzer              under --config=fuzz, a libFuzzer binary
                                    (clang, ASan, UBSan); under
                                    --define=wirecheck_fuzz=oss_fuzz, one
                                    linked with whatever fuzzing engine the
                                    build's linkopts name; otherwise a binary
                                    that replays the files or folders it is
                                    given through the same function;
  :line_decoder_fuzzer_corpus_test  a test that replays every corpus file
                                    (and checks the dictionary parses), so
                                    `bazel test //...` runs every corpus and
                                    fails on an empty one.

The binary is tagged "wirecheck_fuzz" (tools/fuzz --all finds them with
`bazel query 'attr(tags, wirecheck_fuzz, //fuzz/...)'`), and
"wirecheck_fuzz_corpus=PATH" / "wirecheck_fuzz_dict=PATH" with the workspace
paths of its corpus and dictionary.
"""

def wirecheck_fuzz_target(name, srcs, corpus, deps = [], dict = None, size = "small"):
    corpus_path = native.package_name() + "/" + corpus
    dict_path = native.package_name() + "/" + dict if dict else None

    # tools/fuzz and fuzz/oss_fuzz_build.sh find every target by the first
    # tag, and its corpus and dictionary (workspace paths) by the others.
    tags = ["wirecheck_fuzz", "wirecheck_fuzz_corpus=" + corpus_path]
    if dict:
        tags.append("wirecheck_fuzz_dict=" + dict_path)
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps,
        alwayslink = True,
    )
    native.cc_binary(
        name = name,
        testonly = True,
        tags = tags,
        deps = [":" + name + "_lib"] + select({
            "//fuzz:libfuzzer": [],
            "//fuzz:oss_fuzz": [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
        # Under oss_fuzz, fuzz/oss_fuzz_build.sh links $LIB_FUZZING_ENGINE.
        linkopts = select({
            "//fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    args = [corpus_path]
    data = native.glob([corpus + "/**"])
    if dict:
        args.append("--dict=" + dict_path)
        data.append(dict)
    native.cc_test(
        name = name + "_corpus_test",
        size = size,
        deps = [":" + name + "_lib", "//fuzz:replay_main"],
        args = args,
        data = data,
    )
