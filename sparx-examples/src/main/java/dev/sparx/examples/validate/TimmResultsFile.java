package dev.sparx.examples.validate;

import dev.sparx.core.SparxException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The results file of timm's {@code validate.py --results-file}: a CSV header and one row with
 * the columns {@code model, top1, top1_err, top5, top5_err, param_count, img_size, crop_pct,
 * interpolation}, written as Python's {@code csv.DictWriter} writes them ({@code \r\n} line ends,
 * floats as Python prints them). The accuracies are rounded to 4 decimals and the parameter count,
 * in millions, to 2, as timm rounds them.
 */
public final class TimmResultsFile {

    /** timm's columns, in its order. */
    public static final List<String> COLUMNS = List.of(
            "model", "top1", "top1_err", "top5", "top5_err", "param_count", "img_size", "crop_pct",
            "interpolation");

    private TimmResultsFile() {}

    /**
     * Writes the file.
     *
     * @param file the destination, replaced
     * @param model the model's name
     * @param result the metrics
     * @param parameterCount trainable parameters of the model
     * @param imgSize side of the model's input
     * @param cropPct the centre crop's fraction
     * @param interpolation the resize filter's name
     * @throws SparxException if the file cannot be written
     */
    public static void write(Path file, String model, ValidationResult result, long parameterCount, int imgSize,
            double cropPct, String interpolation) {
        List<String> row = List.of(
                csvField(model),
                round(result.top1(), 4), round(100 - result.top1(), 4),
                round(result.top5(), 4), round(100 - result.top5(), 4),
                round(parameterCount / 1e6, 2),
                Integer.toString(imgSize),
                pythonFloat(BigDecimal.valueOf(cropPct)),
                csvField(interpolation));
        String text = String.join(",", COLUMNS) + "\r\n" + String.join(",", row) + "\r\n";
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SparxException("cannot write results file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Python's {@code round(x, digits)} (exact, half to even) printed as Python prints a float. */
    static String round(double x, int digits) {
        return pythonFloat(new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN));
    }

    /** A short decimal as Python's {@code repr} of the nearest float prints it: {@code 84.0}, {@code 0.9}. */
    private static String pythonFloat(BigDecimal value) {
        String s = value.stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    /** Quotes a field as Python's csv module does when it holds a comma, quote or line break. */
    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
