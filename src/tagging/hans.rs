//! Traditional → Simplified Chinese for match keys only: one character for one, the common
//! characters of tech news (蘋果 → 苹果, 微軟 → 微软, 區塊鏈 → 区块链). Word-level differences
//! (人工智慧 / 人工智能, 晶片 / 芯片) are vocabulary: both forms are keywords.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Traditional characters, sorted; `SIMPLIFIED` holds their simplified forms in the same order.
const TRADITIONAL: &str = "並亞來係個們倫偉備傳債價儀億優儲兩凱創劇劉動務勝勢區協員問啟單嚴國圍園圓圖團執報場塊壓壽夠奪學實寫將專對導層屬島嶼帳幣幹庫廠廢廣廳張強彈彙後從徵愛態憶應戰戲戶換損擁擊據擬擴攝敗數於時書會東條楊業極構樁樂標機檔權歐歲歷殺氣淨測準漢漲濟灣為無熱燈營爭爾獎獨獲獸現環產畢畫療發監盤碼礎礦種穀積穩竊競筆節範築紀約紅納紐級紡細組結絡給統絲經綠維網緊線緣練縮總織繼續纖罰羅義習聞聯聲聽腦臺與舊華萊萬蒐蓋藍藝藥蘋蘭處號虧蝦術衛衝補裡製規視觀訂計訊訓記訟設許訴試話誌認語說調論諾證識議護讀變讓豐貝財貨買貸費貼貿資賓賣質賬賺購賽贏趙趨車軍軟軸較載輛輝輪輯輸轉這進遊運過達遠適邁還邊邏鄭醫銀銳銷鋼錄錢鎖鏈鏡鐵長門閉開間閱關陳陸隊階際險隱隻雖雙雜雞離難雲電靈韓頁頓領頭頻題額願類顧顯風飛餘馬駕駛騰驅驗體髮鬥魚鳥鳳鴻鵬麗麵黃點齊齡龍";
const SIMPLIFIED: &str = "并亚来系个们伦伟备传债价仪亿优储两凯创剧刘动务胜势区协员问启单严国围园圆图团执报场块压寿够夺学实写将专对导层属岛屿账币干库厂废广厅张强弹汇后从征爱态忆应战戏户换损拥击据拟扩摄败数于时书会东条杨业极构桩乐标机档权欧岁历杀气净测准汉涨济湾为无热灯营争尔奖独获兽现环产毕画疗发监盘码础矿种谷积稳窃竞笔节范筑纪约红纳纽级纺细组结络给统丝经绿维网紧线缘练缩总织继续纤罚罗义习闻联声听脑台与旧华莱万搜盖蓝艺药苹兰处号亏虾术卫冲补里制规视观订计讯训记讼设许诉试话志认语说调论诺证识议护读变让丰贝财货买贷费贴贸资宾卖质账赚购赛赢赵趋车军软轴较载辆辉轮辑输转这进游运过达远适迈还边逻郑医银锐销钢录钱锁链镜铁长门闭开间阅关陈陆队阶际险隐只虽双杂鸡离难云电灵韩页顿领头频题额愿类顾显风飞余马驾驶腾驱验体发斗鱼鸟凤鸿鹏丽面黄点齐龄龙";

static MAP: LazyLock<HashMap<char, char>> =
    LazyLock::new(|| TRADITIONAL.chars().zip(SIMPLIFIED.chars()).collect());

/// The simplified form of a traditional character, or the character itself.
pub fn simplify(c: char) -> char {
    if (c as u32) < 0x4e00 {
        return c;
    }
    MAP.get(&c).copied().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_line_up() {
        assert_eq!(TRADITIONAL.chars().count(), SIMPLIFIED.chars().count());
        let s: String = "蘋果與微軟的區塊鏈晶片".chars().map(simplify).collect();
        assert_eq!(s, "苹果与微软的区块链晶片");
        assert_eq!(simplify('A'), 'A');
    }
}
