package io.jenkins.plugins.modelops.archunit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arrows between packages, over every module on the CLI's classpath (core, serving, cli; deploy and monitor
 * once they exist): no cycles, no Jenkins types in the engines, the engines' stages below the use cases.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.jenkins.plugins.modelops");
        assertThat(classes).as("classes imported").hasSizeGreaterThan(50);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.jenkins.plugins.modelops.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRootPackageDependsOnNoFeature() {
        // Its cross-cutting values (Progress, Parameter, InvalidInputException...) are below every feature package.
        noClasses().that().resideInAPackage("io.jenkins.plugins.modelops")
                .should().dependOnClassesThat().resideInAPackage("io.jenkins.plugins.modelops.*..")
                .check(classes);
    }

    @Test
    void enginesUseNoJenkinsTypes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..",
                "org.kohsuke.stapler..").check(classes);
    }

    @Test
    void trainingStagesDoNotReachUpToTheUseCaseOrTheBundle() {
        noClasses().that().resideInAnyPackage("..modelops.data..", "..modelops.metrics..", "..modelops.train..",
                        "..modelops.gate..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.usecase..", "..modelops.bundle..",
                        "..modelops.serving..", "..modelops.cli..")
                .check(classes);
        noClasses().that().resideInAnyPackage("..modelops.gate..", "..modelops.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.train..").check(classes);
    }

    @Test
    void deployAndMonitorAreIndependentOfEachOther() {
        // deploy's rollback is called by monitor through deploy's API; never the other way round.
        noClasses().that().resideInAnyPackage("..modelops.deploy..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.monitor..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void deployRunsTheServerAsAProcessNeverAsALibrary() {
        // The server reaches an image or a local deployment as jars (ServerDistribution), so the Jenkins plugin
        // that carries deploy does not load Jetty and the server's classes.
        noClasses().that().resideInAnyPackage("..modelops.deploy..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.serving..", "..modelops.cli..")
                .check(classes);
    }

    @Test
    void deployTargetsStandOnTheServerAndNotOnEachOther() {
        noClasses().that().resideInAnyPackage("..modelops.deploy.server..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.deploy.image..",
                        "..modelops.deploy.kube..", "..modelops.deploy.local..")
                .check(classes);
        noClasses().that().resideInAnyPackage("..modelops.deploy.kube..")
                .should().dependOnClassesThat().resideInAnyPackage("..modelops.deploy.local..",
                        "..modelops.deploy.image..")
                .check(classes);
        // The entry point that strings image and rollout together sits above them, as TrainModel does.
        noClasses().that().resideInAnyPackage("..modelops.deploy.*..")
                .should().dependOnClassesThat().resideInAPackage("io.jenkins.plugins.modelops.deploy")
                .check(classes);
    }

    @Test
    void onlyTheCliAndTheServerMainPrintOrExit() {
        noClasses().that().resideOutsideOfPackages("..modelops.cli..", "..modelops.serving..")
                .should().callMethod(System.class, "exit", int.class)
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(classes);
    }
}
