package dev.sparx.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" section, taken at its word: its {@code xml} block becomes the
 * dependencies of a new Maven project, its {@code java} block that project's only class; Maven
 * builds it offline against the artifacts {@code mvn install} put in the local repository, and
 * {@code QuickStart} runs on a checkpoint and an image. Its five lines must be the zoo's top five.
 *
 * <p>Runs in the {@code install} phase of sparx-examples, after the libraries were installed.
 */
class ReadmeQuickStartIT {

    private static final Pattern LINE = Pattern.compile("(\\d\\.\\d{4})\\s+(.+)");
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path dir;

    @Test
    void quickStartBuildsAndPrintsTheTopFiveClasses() throws Exception {
        String readme = Files.readString(Path.of(property("sparx.readme")));
        String section = section(readme, "## Use from Java");
        String dependencies = block(section, "xml");
        String quickStart = block(section, "java");

        Path project = dir.resolve("quickstart");
        Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(project.resolve("pom.xml"), pom(dependencies));
        Files.writeString(project.resolve("src/main/java/QuickStart.java"), quickStart);

        Path classpath = project.resolve("classpath.txt");
        run(project, mavenCommand("-o", "-q", "-B", "-Dmaven.repo.local=" + property("sparx.localRepository"),
                "compile", "dependency:build-classpath", "-Dmdep.outputFile=" + classpath));

        MicroSparx micro = MicroSparx.write(dir);
        Path image = MicroSparx.image("kitten.jpg");
        String out = run(project, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-cp", project.resolve("target/classes") + File.pathSeparator + Files.readString(classpath).trim(),
                "QuickStart", micro.checkpoint().toString(), image.toString(), micro.config().toString()));

        System.out.println("QuickStart printed:\n" + out);
        List<String[]> printed = new ArrayList<>();
        for (String line : out.lines().toList()) {
            Matcher m = LINE.matcher(line.trim());
            if (m.matches()) {
                printed.add(new String[] {m.group(1), m.group(2)});
            }
        }
        assertEquals(5, printed.size(), "QuickStart printed:\n" + out);
        // the zoo in this process: every printed class with its probability, and no class left out
        // that is likelier than the least likely printed one (ties may be ordered either way)
        Map<String, Double> zoo = new HashMap<>();
        List<Classifications.Classification> ranked = zooRanking(micro, image);
        ranked.forEach(c -> zoo.put(c.getClassName(), c.getProbability()));
        double previous = 1;
        for (String[] p : printed) {
            double probability = Double.parseDouble(p[0]);
            assertTrue(zoo.containsKey(p[1]), "not an ImageNet class name: " + p[1]);
            assertEquals(zoo.get(p[1]), probability, 5e-5, p[1] + " in:\n" + out);
            assertTrue(probability <= previous, "not in descending order:\n" + out);
            previous = probability;
        }
        assertTrue(ranked.get(4).getProbability() <= previous + 5e-5,
                "the fifth likeliest class " + ranked.get(4) + " is likelier than the printed:\n" + out);
    }

    /** @return every class, likeliest first */
    private static List<Classifications.Classification> zooRanking(MicroSparx micro, Path image) throws Exception {
        Criteria<Path, Classifications> criteria = Criteria.builder()
                .setTypes(Path.class, Classifications.class)
                .optArtifactId("dev.sparx:sparx_mamba")
                .optArgument("checkpoint", micro.checkpoint())
                .optArgument("config", micro.config())
                .build();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
                Predictor<Path, Classifications> predictor = model.newPredictor()) {
            Classifications result = predictor.predict(image);
            return result.topK(result.getClassNames().size());
        }
    }

    /** The text from a heading to the next heading of the same level. */
    static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README has no section '" + heading + "'");
        int end = markdown.indexOf("\n## ", start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    /** The one fenced block of a language in a section. */
    static String block(String section, String language) {
        Pattern fence = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL);
        Matcher m = fence.matcher(section);
        assertTrue(m.find(), "no ```" + language + " block in the section");
        String body = m.group(1);
        assertTrue(!m.find(), "more than one ```" + language + " block in the section");
        return body;
    }

    /**
     * A new project: the README's dependencies, and the plugin versions of this build, which the
     * offline local repository holds (Maven's defaults for its own version may not be there).
     */
    private static String pom(String dependencies) {
        String deps = dependencies.strip().startsWith("<dependencies>") ? dependencies
                : "<dependencies>\n" + dependencies + "</dependencies>\n";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>quickstart</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """ + deps + """
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-dependency-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(property("sparx.resourcesPlugin"), property("sparx.compilerPlugin"),
                        property("sparx.dependencyPlugin"));
    }

    private static List<String> mavenCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(property("sparx.mavenHome"), "bin", "mvn").toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a program in a folder; its output, or a failure that shows it. */
    private static String run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "run", ".log");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished && p.exitValue() == 0,
                String.join(" ", command) + (finished ? " exited with " + p.exitValue() : " timed out") + ":\n" + out);
        return out;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null && !value.isBlank(),
                "system property " + name + " is not set (see sparx-examples/pom.xml)");
        return value;
    }
}
