package dev.compactor.merge.fuzz;

/** The findings of one case, each reported with the case's seed and a description of the case to go with it. */
final class CaseFindings {

    private final FuzzCase fuzzCase;
    private final FuzzReport report;

    CaseFindings(FuzzCase fuzzCase, FuzzReport report) {
        this.fuzzCase = fuzzCase;
        this.report = report;
    }

    void add(String signature, String detail) {
        report.add(fuzzCase.seed, signature, () -> detail + "\n--- case\n" + fuzzCase.describe());
    }
}
