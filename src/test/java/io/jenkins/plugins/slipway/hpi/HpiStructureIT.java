package io.jenkins.plugins.slipway.hpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged target/slipway.hpi (failsafe runs after package): what Jenkins' plugin manager reads, and
 * that nothing Jenkins core or a library plugin provides is bundled.
 */
class HpiStructureIT {
    private static Path hpi;

    @BeforeAll
    static void locate() {
        hpi = Paths.get(System.getProperty("slipway.hpi", "target/slipway.hpi"));
        assertThat(hpi).exists();
    }

    @Test
    void bundlesThePluginJarAndTheRunnerClientOnly() throws IOException {
        List<String> libs = new ArrayList<>();
        try (ZipFile zip = new ZipFile(hpi.toFile())) {
            zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("WEB-INF/lib/") && n.endsWith(".jar")).forEach(libs::add);
        }
        assertThat(libs).containsExactlyInAnyOrder("WEB-INF/lib/slipway.jar", "WEB-INF/lib/slipway-runner-client.jar");
    }

    @Test
    void noClassThatCoreALibraryPluginOrTheStandInProvides() throws IOException {
        List<String> classes = new ArrayList<>();
        try (ZipFile zip = new ZipFile(hpi.toFile())) {
            for (String lib : List.of("WEB-INF/lib/slipway.jar", "WEB-INF/lib/slipway-runner-client.jar")) {
                try (JarInputStream jar = new JarInputStream(zip.getInputStream(zip.getEntry(lib)))) {
                    for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
                        classes.add(e.getName());
                    }
                }
            }
        }
        assertThat(classes)
                .noneMatch(n -> n.startsWith("com/github/dockerjava/"))
                .noneMatch(n -> n.startsWith("com/fasterxml/jackson/"))
                .noneMatch(n -> n.startsWith("com/google/common/"))
                .noneMatch(n -> n.startsWith("okhttp3/") || n.startsWith("io/fabric8/"))
                .noneMatch(n -> n.startsWith("hudson/") || n.startsWith("jenkins/") || n.startsWith("org/jenkinsci/")
                        || n.startsWith("org/kohsuke/") || n.startsWith("com/cloudbees/"))
                .noneMatch(n -> n.startsWith("io/jenkins/plugins/slipway/standin/"))
                .contains("io/jenkins/plugins/slipway/build/SlipwayBuildStep.class",
                        "io/jenkins/plugins/slipway/push/SlipwayPushStep.class",
                        "io/jenkins/plugins/slipway/config/SlipwayConfiguration.class",
                        "io/jenkins/plugins/slipway/runner/client/RunnerClient.class");
    }

    @Test
    void manifestCarriesThePluginMetadata() throws IOException {
        Attributes main;
        try (ZipFile zip = new ZipFile(hpi.toFile()); InputStream in = zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF"))) {
            main = new Manifest(in).getMainAttributes();
        }
        assertThat(main.getValue("Short-Name")).isEqualTo("slipway");
        assertThat(main.getValue("Long-Name")).isEqualTo("Slipway");
        assertThat(main.getValue("Group-Id")).isEqualTo("io.jenkins.plugins");
        assertThat(main.getValue("Plugin-Version")).isNotBlank();
        assertThat(main.getValue("Jenkins-Version")).isEqualTo("2.541.3");
        assertThat(main.getValue("Minimum-Java-Version")).isEqualTo("17");
        assertThat(main.getValue("Plugin-Dependencies").split(",")).containsExactlyInAnyOrder(
                "workflow-step-api:710.v3e456cc85233",
                "credentials:1499.va_f0e811253a_6",
                "plain-credentials:199.v9f8e1f741799",
                "structs:362.va_b_695ef4fdf9",
                "docker-java-api:3.7.1-136.v5d70f77a_c3d6",
                "jackson2-api:2.21.2-433.v6d50b_92cfe52",
                "git:5.7.0;resolution:=optional");
    }

    @Test
    void extensionAndSymbolIndexesAreInThePluginJar() throws IOException {
        String extensions;
        String symbols;
        try (ZipFile zip = new ZipFile(hpi.toFile());
             JarInputStream jar = new JarInputStream(zip.getInputStream(zip.getEntry("WEB-INF/lib/slipway.jar")))) {
            extensions = null;
            symbols = null;
            for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
                if (e.getName().equals("META-INF/annotations/hudson.Extension")) {
                    // SezPoz's binary index: serialized entries that name each class.
                    extensions = new String(jar.readAllBytes(), StandardCharsets.ISO_8859_1);
                } else if (e.getName().equals("META-INF/annotations/org.jenkinsci.Symbol")) {
                    symbols = new String(jar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(extensions).as("SezPoz @Extension index")
                .contains("io.jenkins.plugins.slipway.build.SlipwayBuildStep$DescriptorImpl")
                .contains("io.jenkins.plugins.slipway.push.SlipwayPushStep$DescriptorImpl")
                .contains("io.jenkins.plugins.slipway.config.SlipwayConfiguration");
        // annotation-indexer's plain format: one binary class name per line.
        assertThat(symbols).as("@Symbol index").isNotNull();
        assertThat(symbols.lines()).contains(
                "io.jenkins.plugins.slipway.build.SlipwayBuildStep$DescriptorImpl",
                "io.jenkins.plugins.slipway.push.SlipwayPushStep$DescriptorImpl",
                "io.jenkins.plugins.slipway.config.SlipwayConfiguration");
    }

    @Test
    void viewsShipBesideTheirClasses() throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(hpi.toFile());
             JarInputStream jar = new JarInputStream(zip.getInputStream(zip.getEntry("WEB-INF/lib/slipway.jar")))) {
            for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
                entries.add(e.getName());
            }
        }
        assertThat(entries).contains(
                "index.jelly",
                "io/jenkins/plugins/slipway/build/SlipwayBuildStep/config.jelly",
                "io/jenkins/plugins/slipway/push/SlipwayPushStep/config.jelly",
                "io/jenkins/plugins/slipway/config/SlipwayConfiguration/config.jelly");
        assertThat(Files.size(hpi)).isLessThan(2_000_000);
    }
}
