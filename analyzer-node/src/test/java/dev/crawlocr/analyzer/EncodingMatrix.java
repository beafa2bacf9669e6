package dev.crawlocr.analyzer;

import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.TextDesigns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Generated text images written to files in many encodings, and how to score what OCR read from them. */
public final class EncodingMatrix {

    /** One image file: a design in an encoding. */
    public record Sample(Path file, TextDesigns.Design design, ImageEncoding encoding) {
        public String text() {
            return design.text();
        }

        /** The tessdata languages that read the design's script. */
        public String languages() {
            return design.script().languages;
        }

        /** "eng" for Latin designs, "kor" for Hangul and mixed ones: the bucket its accuracy counts in. */
        public String scriptGroup() {
            return design.script() == TextDesigns.Script.LATIN ? "eng" : "kor";
        }
    }

    /** Every design in every encoding. */
    public static List<Sample> every(Path dir, List<TextDesigns.Design> designs, Collection<ImageEncoding> encodings) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (ImageEncoding encoding : encodings) {
            for (int i = 0; i < designs.size(); i++) {
                samples.add(write(dir, designs.get(i), encoding, i));
            }
        }
        return samples;
    }

    /** Each design once, in the encodings taken in turn. */
    public static List<Sample> mix(Path dir, List<TextDesigns.Design> designs, List<ImageEncoding> encodings) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < designs.size(); i++) {
            samples.add(write(dir, designs.get(i), encodings.get(i % encodings.size()), i));
        }
        return samples;
    }

    private static Sample write(Path dir, TextDesigns.Design design, ImageEncoding encoding, int i) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("%s-%04d.%s", encoding.name().toLowerCase(java.util.Locale.ROOT), i, encoding.extension));
        Files.write(file, encoding.encode(design.render()));
        return new Sample(file, design, encoding);
    }

    /** Edit distance between the expected and the read text (whitespace folded), in characters. */
    public static int errors(String expected, String actual) {
        return (int) Math.round(Cer.of(expected, actual) * Cer.normalize(expected).length());
    }

    private EncodingMatrix() {
    }
}
