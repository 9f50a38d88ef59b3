package dev.sparx.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.sparx.models.Complexity;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.Stage;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparx summary}: the block tree of a network with each block's output shapes and parameters,
 * the parameters per stage, the total, and the multiply-accumulates for one image (224x224 unless
 * told otherwise), counted as the reference counts are.
 */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        description = "Print the block tree, parameters per stage, total parameters and MACs of a network.")
public final class SummaryCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private ModelChoice model;

    @Option(names = "--img-size", paramLabel = "N", defaultValue = "224",
            description = "Side of the square input (default ${DEFAULT-VALUE}).")
    private int imgSize;

    @Option(names = "--depth", paramLabel = "D", defaultValue = "3",
            description = "Levels of the block tree to print (default ${DEFAULT-VALUE}).")
    private int depth;

    @Override
    public Integer call() {
        SparXMamba net = SparXMamba.builder().setConfig(model.config()).build();
        // the shapes are what is wanted; zeros are the cheapest values to allocate
        net.setInitializer(Initializer.ZEROS, p -> p.getType() != Parameter.Type.OTHER);
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(1, 3, imgSize, imgSize);
            net.initialize(manager, DataType.FLOAT32, input);
            out.printf("%s, input %s%n", model.label(), input);
            print(out, net, model.label(), 0);
            out.println();
            for (int s = 0; s < net.getStages().size(); s++) {
                Stage stage = net.getStages().get(s);
                out.printf(Locale.ROOT, "stage %d: %d blocks, %,d parameters%n", s + 1, stage.getBlocks().size(),
                        parameters(stage));
            }
            out.printf(Locale.ROOT, "stem: %,d parameters; classifier: %,d parameters%n", parameters(net.getStem()),
                    parameters(net.getHead()));
            out.printf(Locale.ROOT, "total: %,d parameters%n", parameters(net));
            long macs = Complexity.macs(net);
            out.printf(Locale.ROOT, "MACs at %dx%d: %,d (%.2f G)%n", imgSize, imgSize, macs, macs / 1e9);
        }
        return 0;
    }

    private void print(PrintWriter out, Block block, String name, int level) {
        String shapes = Arrays.stream(block.getOutputShapes(block.getInputShapes())).map(Shape::toString)
                .collect(Collectors.joining(" "));
        out.printf(Locale.ROOT, "%s%-14s %-16s %-40s %,14d%n", "  ".repeat(level), name,
                block.getClass().getSimpleName(), shapes, parameters(block));
        if (level + 1 >= depth) {
            return;
        }
        int position = 1;
        for (Pair<String, Block> child : block.getChildren()) {
            String ordinal = String.format(Locale.ROOT, "%02d", position++);
            print(out, child.getValue(), child.getKey().substring(ordinal.length()), level + 1);
        }
    }

    private static long parameters(Block block) {
        return block.getParameters().values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getShape().size()).sum();
    }
}
