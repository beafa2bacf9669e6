package dev.crawlocr.localcluster;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Text images as the web has them, with the text they carry: 1-5 lines of Latin, Hangul or mixed text at 11-40 px,
 * dark text in a different shade per line (#000 to #707070) on white or on a transparent background, and light text
 * on dark and on coloured backgrounds. Deterministic for a seed. {@link DemoSite} serves them as {@link GrayPng}; the
 * test kit's {@code ImageEncoding} writes them in the web's other encodings.
 */
public final class TextDesigns {
    /** The script a design's lines are written in; it picks the font and the tessdata languages that read it. */
    public enum Script {
        LATIN("eng"), HANGUL("kor"), MIXED("kor+eng");

        /** Tesseract languages for this script, dominant script first. */
        public final String languages;

        Script(String languages) {
            this.languages = languages;
        }
    }

    /** One line of text and the colour it is drawn in. */
    public record Line(String text, Color ink) {
    }

    /**
     * @param background the colour behind the text, or null for a transparent background (white once flattened)
     */
    public record Design(Script script, List<Line> lines, String font, int size, Color background) {
        /** The text, lines joined by '\n'. */
        public String text() {
            return String.join("\n", lines.stream().map(Line::text).toList());
        }

        /** A short description for test names and reports, e.g. "LATIN 3x14px shades". */
        public String label() {
            String style = background == null ? "transparent" : background.equals(Color.WHITE) ? "shades"
                    : luma(background) < 128 ? "light-on-dark" : "dark-on-colour";
            return script + " " + lines.size() + "x" + size + "px " + style;
        }

        /** Renders the design: ARGB, transparent where the background is null. */
        public BufferedImage render() {
            Font f = new Font(font, Font.PLAIN, size);
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
            Graphics2D pg = probe.createGraphics();
            FontMetrics fm = pg.getFontMetrics(f);
            int width = lines.stream().mapToInt(l -> fm.stringWidth(l.text())).max().orElse(10) + size * 2;
            int lineHeight = fm.getHeight() + size / 3;
            int height = lineHeight * lines.size() + size;
            int ascent = fm.getAscent();
            pg.dispose();
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = img.createGraphics();
            if (background != null) {
                g.setComposite(AlphaComposite.Src);
                g.setColor(background);
                g.fillRect(0, 0, width, height);
                g.setComposite(AlphaComposite.SrcOver);
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setFont(f);
            int y = size / 2 + ascent;
            for (Line line : lines) {
                g.setColor(line.ink());
                g.drawString(line.text(), size, y);
                y += lineHeight;
            }
            g.dispose();
            return img;
        }
    }

    public static final String[] ENGLISH = ("market garden river station window morning report village summer winter museum "
            + "library coffee bakery harbor lighthouse mountain forest bridge street table number letter orange yellow "
            + "silver golden simple modern public private office school hospital ticket travel weather storm cloud "
            + "question answer history science music theater kitchen dinner lunch breakfast friend family doctor "
            + "engine signal pocket camera picture planet rocket island castle valley desert ocean paper pencil").split(" ");
    public static final String[] KOREAN = ("한국 서울 날씨 오늘 회의 일정 가격 할인 도서관 학교 병원 공원 시장 커피 우유 사과 바다 하늘 "
            + "기차 버스 지하철 정류장 출구 입구 안내 공지 운영 시간 주말 평일 휴무 예약 문의 전화 주소 서비스 고객 "
            + "센터 행사 무료 신청 마감 결과 발표 회사 사무실 회원 가입 상품 배송 주문 결제 카드 현금 영수증 여행 "
            + "음식 사진 음악 영화 친구 가족 선생님 학생 도시 나라 마을 산책 계절 봄 여름 가을 겨울").split(" ");

    /** Backgrounds for light text: dark slate, navy, and saturated red, green and blue. */
    private static final Color[] DARK = {new Color(0x1e2a38), new Color(0x0b1f4b), new Color(0xb03a2e), new Color(0x1e6b30),
        new Color(0x1565c0)};
    /** Light text colours on those backgrounds. */
    private static final Color[] LIGHT = {Color.WHITE, new Color(0xf2f2f2), new Color(0xffeb99), new Color(0xe0f0ff)};
    /** Light coloured backgrounds for dark text. */
    private static final Color[] PALE = {new Color(0xfff3c4), new Color(0xdbeefa), new Color(0xe3f4e1)};

    /**
     * {@code count} designs: scripts in turn, 70% Latin, 20% Hangul and 10% mixed, as on a Korean company's English
     * site; sizes, line counts and
     * styles drawn from {@code seed}: dark shades on white (45%), light text on dark or saturated colours (20%), dark
     * text on pale colours (15%), dark shades on a transparent background (20%). Mixed designs alternate Hangul
     * lines and lines mixing Hangul and Latin words.
     *
     * @param minSize smallest text size in px (at least 11); sizes are drawn up to 40
     * @param korean  false to write every design in Latin script
     */
    public static List<Design> generate(int count, long seed, int minSize, boolean korean) {
        Random random = new Random(seed);
        List<Design> designs = new ArrayList<>();
        Script[] turn = {Script.LATIN, Script.HANGUL, Script.LATIN, Script.LATIN, Script.MIXED, Script.LATIN, Script.HANGUL,
            Script.LATIN, Script.LATIN, Script.LATIN};
        for (int i = 0; i < count; i++) {
            Script script = korean ? turn[i % turn.length] : Script.LATIN;
            int size = minSize + random.nextInt(41 - minSize);
            int lines = 1 + random.nextInt(5);
            int style = random.nextInt(20);
            Color background = style < 9 ? Color.WHITE : style < 13 ? DARK[random.nextInt(DARK.length)]
                    : style < 16 ? PALE[random.nextInt(PALE.length)] : null;
            List<Line> content = new ArrayList<>();
            for (int l = 0; l < lines; l++) {
                String text = switch (script) {
                    case LATIN -> words(random, ENGLISH);
                    case HANGUL -> words(random, KOREAN);
                    case MIXED -> l % 2 == 0 ? words(random, KOREAN) : words(random, KOREAN, ENGLISH);
                };
                Color ink = background != null && luma(background) < 128 ? LIGHT[random.nextInt(LIGHT.length)] : shade(random);
                content.add(new Line(text, ink));
            }
            String font = script == Script.LATIN ? (random.nextBoolean() ? "DejaVu Sans" : "DejaVu Serif") : "NanumGothic";
            designs.add(new Design(script, List.copyOf(content), font, size, background));
        }
        return designs;
    }

    /** A dark shade from #000000 to #707070. */
    private static Color shade(Random random) {
        int v = random.nextInt(0x71);
        return new Color(v, v, v);
    }

    /** 2-5 words, each from one of {@code lists} at random, the last one sometimes a number. */
    private static String words(Random random, String[]... lists) {
        StringBuilder sb = new StringBuilder();
        int n = 2 + random.nextInt(4);
        for (int w = 0; w < n; w++) {
            String[] words = lists[random.nextInt(lists.length)];
            sb.append(w == 0 ? "" : " ").append(w == n - 1 && random.nextInt(3) == 0
                    ? Integer.toString(10 + random.nextInt(9990)) : words[random.nextInt(words.length)]);
        }
        return sb.toString();
    }

    static int luma(Color c) {
        return (c.getRed() * 299 + c.getGreen() * 587 + c.getBlue() * 114) / 1000;
    }

    private TextDesigns() {
    }
}
