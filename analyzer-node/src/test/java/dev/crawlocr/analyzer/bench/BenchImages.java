package dev.crawlocr.analyzer.bench;

import dev.crawlocr.devkit.TextImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A generated image set with known text: English and Korean lines rendered at several sizes, some inverted. */
final class BenchImages {
    /** One generated image: its file, the text rendered into it and the tessdata language that reads it. */
    record Spec(Path file, String text, String language, int size) {
    }

    static final String[] ENGLISH = ("market garden river station window morning report village summer winter museum "
            + "library coffee bakery harbor lighthouse mountain forest bridge street table number letter orange yellow "
            + "silver golden simple modern public private office school hospital ticket travel weather storm cloud "
            + "question answer history science music theater kitchen dinner lunch breakfast friend family doctor "
            + "engine signal pocket camera picture planet rocket island castle valley desert ocean paper pencil").split(" ");
    static final String[] KOREAN = ("한국 서울 날씨 오늘 회의 일정 가격 할인 도서관 학교 병원 공원 시장 커피 우유 사과 바다 하늘 "
            + "기차 버스 지하철 정류장 출구 입구 안내 공지 운영 시간 주말 평일 휴무 예약 문의 전화 주소 서비스 고객 "
            + "센터 행사 무료 신청 마감 결과 발표 회사 사무실 회원 가입 상품 배송 주문 결제 카드 현금 영수증 여행 "
            + "음식 사진 음악 영화 친구 가족 선생님 학생 도시 나라 마을 산책 계절 봄 여름 가을 겨울").split(" ");

    static final int[] ENGLISH_SIZES = {12, 14, 16, 20, 24, 32};
    static final int[] KOREAN_SIZES = {16, 18, 22, 28, 32};

    /** Writes {@code count} PNGs into {@code dir}: two thirds English, one third Korean, every eighth inverted. */
    static List<Spec> generate(Path dir, int count, long seed) throws IOException {
        return generate(dir, count, seed, ENGLISH_SIZES, KOREAN_SIZES);
    }

    static List<Spec> generate(Path dir, int count, long seed, int[] englishSizes, int[] koreanSizes) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean korean = i % 3 == 2;
            String[] words = korean ? KOREAN : ENGLISH;
            int[] sizes = korean ? koreanSizes : englishSizes;
            int size = sizes[random.nextInt(sizes.length)];
            int lines = 1 + random.nextInt(3);
            List<String> text = new ArrayList<>();
            for (int l = 0; l < lines; l++) {
                StringBuilder sb = new StringBuilder();
                int n = 2 + random.nextInt(4);
                for (int w = 0; w < n; w++) {
                    sb.append(w == 0 ? "" : " ").append(w == n - 1 && random.nextInt(3) == 0
                            ? Integer.toString(10 + random.nextInt(9990)) : words[random.nextInt(words.length)]);
                }
                text.add(sb.toString());
            }
            byte[] png = TextImages.png(text, korean ? "NanumGothic" : "DejaVu Sans", size, i % 8 == 7);
            Path file = dir.resolve(String.format("img-%04d.png", i));
            Files.write(file, png);
            specs.add(new Spec(file, String.join("\n", text), korean ? "kor" : "eng", size));
        }
        return specs;
    }

    private BenchImages() {
    }
}
