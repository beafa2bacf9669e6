package dev.crawlocr.fetcher;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The fetcher's main packages depend on each other in one direction only: no package reaches itself through another. */
class PackageCyclesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("dev.crawlocr.fetcher");

    @Test
    void subPackagesAreFreeOfCycles() {
        slices().matching("dev.crawlocr.fetcher.(**)").should().beFreeOfCycles().check(MAIN);
    }

    /**
     * {@code dev.crawlocr.fetcher.(**)} needs a sub-package name, so the classes directly in {@code dev.crawlocr.fetcher}
     * (the node, its config and its engine) belong to none of its slices; here the root is a slice of its own.
     */
    @Test
    void theRootPackageIsInNoCycle() {
        slices().matching("dev.crawlocr.(**)").should().beFreeOfCycles().check(MAIN);
    }
}
