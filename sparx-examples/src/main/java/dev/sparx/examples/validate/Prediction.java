package dev.sparx.examples.validate;

/**
 * What the model said about one validation image.
 *
 * @param name the image's name in the data set (a path relative to DATA_DIR with {@code /})
 * @param target its label
 * @param top the best classes, best first (five, or K if the head has fewer)
 * @param loss its cross-entropy
 */
public record Prediction(String name, int target, int[] top, double loss) {}
