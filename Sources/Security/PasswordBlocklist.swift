/// Common and breached passwords of 15 or more characters, and the structural checks that catch their endless
/// variants ("password2024!!!!", "Summer2024!Summer"). All comparisons are on NFC, lowercased text.
///
/// The list is a modest embedded sample of long passwords that recur in public breach corpora; the structural
/// checks (common base word once digits and symbols are removed, repetition, alphabet/digit/keyboard runs) carry
/// most of the weight.
enum PasswordBlocklist {
    static func isCommon(_ folded: String) -> Bool {
        if entries.contains(folded) { return true }
        for candidate in letterCandidates(folded) where !candidate.isEmpty {
            if entries.contains(candidate) || baseWords.contains(candidate) { return true }
            if let unit = repeatedUnit(Array(candidate.unicodeScalars)),
                baseWords.contains(String(String.UnicodeScalarView(unit)))
            {
                return true
            }
        }
        return false
    }

    static func isRepetitiveOrSequential(_ folded: String) -> Bool {
        let scalars = Array(folded.unicodeScalars)
        if Set(scalars).count <= 3 { return true }
        if repeatedUnit(scalars) != nil { return true }
        let compact = String(String.UnicodeScalarView(scalars.filter { $0 != " " }))
        return sequences.contains { $0.contains(compact) }
    }

    /// The letters that remain after removing digits and symbols, both as typed and after undoing common
    /// substitutions (`@`→a, `0`→o, `$`→s, …) inside the word once leading and trailing digits and symbols are cut.
    private static func letterCandidates(_ folded: String) -> [String] {
        let lettersOnly = String(folded.unicodeScalars.filter { $0.properties.isAlphabetic }.map(Character.init))
        let scalars = Array(folded.unicodeScalars)
        let first = scalars.firstIndex { $0.properties.isAlphabetic }
        let last = scalars.lastIndex { $0.properties.isAlphabetic }
        guard let first, let last else { return [lettersOnly] }
        let core = scalars[first...last].map { leetSubstitutions[$0] ?? $0 }.filter { $0.properties.isAlphabetic }
        return [lettersOnly, String(String.UnicodeScalarView(core))]
    }

    /// The shortest unit that `scalars` repeats at least twice, if it is such a repetition.
    private static func repeatedUnit(_ scalars: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar>? {
        let count = scalars.count
        guard count >= 2 else { return nil }
        for unitLength in 1...(count / 2) where count % unitLength == 0 {
            var repeats = true
            for index in unitLength..<count where scalars[index] != scalars[index - unitLength] {
                repeats = false
                break
            }
            if repeats { return scalars[..<unitLength] }
        }
        return nil
    }

    private static let leetSubstitutions: [Unicode.Scalar: Unicode.Scalar] = [
        "@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t",
    ]

    /// Runs along the digits, the alphabet and keyboard layouts, forwards and backwards, each long enough that
    /// any 15-character window of a run is a substring.
    private static let sequences: [String] = {
        let runs = [
            "0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
            "azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
            "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9p0",
            "1234567890-=", "!@#$%^&*()_+",
        ]
        return runs.flatMap { run -> [String] in
            let long = String(repeating: run, count: 4)
            return [long, String(long.reversed())]
        }
    }()

    /// Words that, padded with digits and symbols, make up a large share of breached passwords.
    private static let baseWords: Set<String> = [
        "password", "passwd", "pass", "qwerty", "letmein", "welcome", "iloveyou", "admin", "administrator", "root",
        "dragon", "monkey", "football", "baseball", "basketball", "soccer", "hockey", "superman", "batman", "master",
        "shadow", "sunshine", "princess", "starwars", "pokemon", "minecraft", "fortnite", "michael", "jennifer",
        "jordan", "hunter", "ranger", "buster", "charlie", "freedom", "whatever", "trustno", "hello", "secret",
        "summer", "winter", "spring", "autumn", "love", "lovely", "family", "changeme", "default", "test", "testing",
        "guest", "user", "login", "access", "computer", "internet", "google", "facebook", "apple", "samsung",
        "chocolate", "butterfly", "flower", "cookie", "pepper", "ginger", "orange", "banana", "cheese", "angel",
        "jesus", "christ", "blessed", "liverpool", "chelsea", "arsenal", "barcelona", "yankees", "cowboys", "lakers",
        "matrix", "killer", "ninja", "mustang", "ferrari", "porsche", "corvette", "harley", "thomas", "robert",
        "daniel", "andrew", "joshua", "jessica", "ashley", "amanda", "nicole", "tigger", "purple", "maggie", "money",
        "qazwsx", "asdf", "zxcv", "abc", "qwe", "asd", "zxc", "abcd", "temp", "temporary", "newpassword", "mypassword",
        "p", "pw", "pwd", "secure", "security", "company", "office", "work", "january", "february", "march", "april",
        "may", "june", "july", "august", "september", "october", "november", "december", "monday", "friday",
        "sunday", "baby", "babygirl", "sweetheart", "forever", "iloveu", "loveyou", "fuckyou", "asshole", "pussy",
    ]

    private static let entries: Set<String> = [
        "123456789012345", "1234567890123456", "12345678901234567", "123456789012345678", "1234567890123456789",
        "12345678901234567890", "098765432109876", "0987654321098765", "111111111111111", "000000000000000",
        "123123123123123", "123412341234123", "147258369147258", "159357159357159", "987654321987654",
        "123456789123456", "1234567891234567", "12345678987654321", "123456789987654321", "112233445566778",
        "1122334455667788", "789456123789456", "147852369147852", "741852963741852", "963852741963852",
        "321321321321321", "101010101010101", "121212121212121", "131313131313131", "123321123321123",
        "102030405060708", "1020304050607080", "0102030405060708", "202020202020202", "696969696969696",
        "777777777777777", "888888888888888", "999999999999999", "666666666666666", "555555555555555",
        "123654789123654", "159753159753159", "951753951753951", "456456456456456", "789789789789789",
        "qwertyuiopasdfg", "qwertyuiopasdfgh", "qwertyuiopasdfghjkl", "qwertyuiopasdfghjklzxcvbnm",
        "asdfghjklqwertyuiop", "zxcvbnmasdfghjkl", "qazwsxedcrfvtgb", "qazwsxedcrfvtgbyhn", "qazwsxedcrfvtgbyhnujm",
        "1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv5tgb", "zaq12wsxcde34rfv", "zaq1xsw2cde3vfr4", "1q2w3e4r5t6y7u8i",
        "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8", "q1w2e3r4t5y6u7i8o9p0", "qwerty123456789", "qwertyuiop12345",
        "qwertyuiop123456", "1234567890qwerty", "1234567890qwertyuiop", "qwerty1234567890", "asdfghjkl123456",
        "asdfasdfasdfasdf", "qwerqwerqwerqwer", "zxcvzxcvzxcvzxcv", "poiuytrewqlkjhgf", "mnbvcxzlkjhgfdsa",
        "abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmno", "abcdefg123456789", "abc123abc123abc",
        "abc123abc123abc123", "abcd1234abcd1234", "a1b2c3d4e5f6g7h8", "1a2b3c4d5e6f7g8h", "aaaaaaaaaaaaaaa",
        "qwertyqwertyqwerty", "asdasdasdasdasd", "qweqweqweqweqwe", "zxczxczxczxczxc", "passwordpassword",
        "password1234567", "password12345678", "password123456789", "password1234567890", "passwordpassword1",
        "password123password", "mypasswordispassword", "thisismypassword", "thisismypassword1",
        "passwordisnotpassword", "mysecretpassword", "mysupersecretpassword", "supersecretpassword",
        "verysecurepassword", "securepassword123", "strongpassword123", "mystrongpassword", "changemechangeme",
        "changeme123456789", "changethispassword", "pleasechangeme123", "defaultpassword1", "defaultpassword123",
        "temporarypassword", "temppassword1234", "newpassword12345", "newpassword123456", "mynewpassword123",
        "adminadminadmin", "administrator123", "administrator1234", "adminpassword123", "rootpassword1234",
        "letmeinletmeinletmein", "letmein123456789", "welcome123456789", "welcomewelcome123", "welcome12345678",
        "iloveyouiloveyou", "iloveyou12345678", "iloveyou123456789", "iloveyousomuch123", "iloveyouforever",
        "iloveyoubaby123", "iloveyoumore123", "iloveyoutoo12345", "iloveyou4ever123", "ilovemyfamily123",
        "ilovemymom12345", "ilovemyself12345", "ilovemydog12345", "ilovemykids12345", "ilovejesus12345",
        "ilovegod1234567", "jesuslovesme123", "jesuschrist12345", "godisgood123456", "godisgreat12345",
        "trustno1trustno1", "trustnoone12345", "letmeinpleaseok", "opensesame12345", "princessprincess",
        "sunshinesunshine", "footballfootball", "baseballbaseball", "basketball12345", "basketball123456",
        "football1234567", "football12345678", "superman12345678", "superman123456789", "batman1234567890",
        "spiderman123456", "starwars12345678", "starwarsstarwars", "pokemon12345678", "minecraft123456",
        "minecraft1234567", "fortnite1234567", "playstation1234", "playstation12345", "nintendo1234567",
        "chocolate123456", "butterfly123456", "butterfly1234567", "blink182blink182", "liverpool123456",
        "manchesterunited", "manchesterunited1", "chelseafc123456", "arsenal12345678", "barcelona123456",
        "realmadrid12345", "juventus1234567", "newyorkyankees", "newyorkyankees1", "dallascowboys123",
        "qwertyuiop123456789", "monkeymonkey123", "dragondragon123", "shadowshadow123", "mastermaster123",
        "michaelmichael1", "jordan2323232323", "michaeljordan23", "harrypotter1234", "harrypotter12345",
        "lordoftherings1", "lordoftherings123", "correcthorsebatterystaple", "correcthorsebatterystaple1",
        "correct horse battery staple", "thequickbrownfox", "thequickbrownfoxjumpsoverthelazydog",
        "the quick brown fox jumps over the lazy dog", "loremipsumdolorsit", "loremipsumdolor",
        "lorem ipsum dolor sit amet", "helloworld12345", "helloworld123456", "hello world 12345", "hellohellohello",
        "goodmorning1234", "happybirthday123", "merrychristmas1", "merrychristmas123", "summer2024summer",
        "winter2024winter", "spring2024spring", "autumn2024autumn", "welcome2024welcome", "password2023!!!!",
        "password2024!!!!", "password2025!!!!", "password123456!", "p@ssw0rd123456789", "p@ssword12345678",
        "p@ssw0rdp@ssw0rd", "passw0rdpassw0rd", "passw0rd!passw0rd!", "qwerty123qwerty123", "1qaz@wsx3edc$rfv",
        "1qaz!qaz2wsx@wsx", "!qaz2wsx#edc4rfv", "aa123456789012345", "aa1234567890123", "qwerty123456789!",
        "welcome@12345678", "admin@1234567890", "summer2024!summer", "abc12345678910111", "ilovemyboyfriend",
        "ilovemygirlfriend", "ilovemyhusband1", "ilovemywife12345", "mybabygirl12345", "princess1234567",
        "sweetheart12345", "babygirl1234567", "lovelovelovelove", "loveyouforever1", "foreverandalways",
        "foreveryoung123", "alwaysandforever", "neverforget1234", "nevergiveup1234", "believeinyourself",
        "justdoit1234567", "wheresmymoney123", "youwillneverguess", "youllneverguessit", "guessmypassword",
        "cantremembermypassword", "idontknowmypassword", "forgotmypassword", "iforgotmypassword",
        "noneofyourbusiness", "whatsmypassword", "thisisapassword", "thisisatest12345", "testtesttesttest",
        "test1234567890123", "testing123456789", "testpassword123", "demo1234567890123", "userpassword1234",
        "guestguestguest1", "letmein!letmein!", "qwerty!@#$%^&*()", "!@#$%^&*()_+qwer", "1234567890!@#$%^",
        "!@#$%^&*()123456", "~!@#$%^&*()_+123", "iamthebest123456", "iamtheking12345", "bestfriends12345",
        "bestfriendsforever", "bffbffbffbffbff", "onetwothreefourfive", "onetwothreefour", "abcdefghijk12345",
        "internet12345678", "computer12345678", "computercomputer", "microsoft123456", "windows10windows",
        "administrator!!!", "superuser123456", "sysadmin1234567", "databasepassword", "postgrespassword",
        "qwertyuiopzxcvbnm", "asdfghjklzxcvbnm", "1234qwerasdfzxcv", "qwerasdfzxcv1234", "1234abcd5678efgh",
        "abcdabcdabcdabcd", "12341234abcdabcd", "welcometothejungle", "stairwaytoheaven", "bohemianrhapsody",
        "sweetchildomine", "hotelcalifornia", "imagineallthepeople", "letitbeletitbe", "yellowsubmarine",
        "somewhereovertherainbow", "maytheforcebewithyou", "iamyourfather123", "winteriscoming123",
        "youshallnotpass123", "tobeornottobe123", "itsasecrettoeverybody", "openthedoorplease",
    ]
}
