// The 52 C-Eval subjects, built in so a data directory can be checked against them (missing or
// unknown subjects) and results can be grouped by category without a mapping file at run time.
// Source: C-Eval's subject_mapping.json (hkust-nlp/ceval; Huang et al. 2023, "C-Eval: A
// Multi-Level Multi-Discipline Chinese Evaluation Suite for Foundation Models", Table 6):
// key -> [English name, Chinese name, category]; 20 STEM, 10 Social Science, 11 Humanities, 11 Other.

/** C-Eval's four categories, in the order the paper and evalscope list them. */
export const CATEGORIES = ['STEM', 'Social Science', 'Humanities', 'Other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One C-Eval subject: `key` is the file stem (`<key>_val.csv`) and the subset name evalscope prints. */
export interface Subject {
  key: string;
  english: string;
  chinese: string;
  category: Category;
}

/** All 52 subjects, in the order of C-Eval's subject_mapping.json. */
export const SUBJECTS: readonly Subject[] = [
  { key: 'computer_network', english: 'Computer Network', chinese: '计算机网络', category: 'STEM' },
  { key: 'operating_system', english: 'Operating System', chinese: '操作系统', category: 'STEM' },
  { key: 'computer_architecture', english: 'Computer Architecture', chinese: '计算机组成', category: 'STEM' },
  { key: 'college_programming', english: 'College Programming', chinese: '大学编程', category: 'STEM' },
  { key: 'college_physics', english: 'College Physics', chinese: '大学物理', category: 'STEM' },
  { key: 'college_chemistry', english: 'College Chemistry', chinese: '大学化学', category: 'STEM' },
  { key: 'advanced_mathematics', english: 'Advanced Mathematics', chinese: '高等数学', category: 'STEM' },
  { key: 'probability_and_statistics', english: 'Probability and Statistics', chinese: '概率统计', category: 'STEM' },
  { key: 'discrete_mathematics', english: 'Discrete Mathematics', chinese: '离散数学', category: 'STEM' },
  { key: 'electrical_engineer', english: 'Electrical Engineer', chinese: '注册电气工程师', category: 'STEM' },
  { key: 'metrology_engineer', english: 'Metrology Engineer', chinese: '注册计量师', category: 'STEM' },
  { key: 'high_school_mathematics', english: 'High School Mathematics', chinese: '高中数学', category: 'STEM' },
  { key: 'high_school_physics', english: 'High School Physics', chinese: '高中物理', category: 'STEM' },
  { key: 'high_school_chemistry', english: 'High School Chemistry', chinese: '高中化学', category: 'STEM' },
  { key: 'high_school_biology', english: 'High School Biology', chinese: '高中生物', category: 'STEM' },
  { key: 'middle_school_mathematics', english: 'Middle School Mathematics', chinese: '初中数学', category: 'STEM' },
  { key: 'middle_school_biology', english: 'Middle School Biology', chinese: '初中生物', category: 'STEM' },
  { key: 'middle_school_physics', english: 'Middle School Physics', chinese: '初中物理', category: 'STEM' },
  { key: 'middle_school_chemistry', english: 'Middle School Chemistry', chinese: '初中化学', category: 'STEM' },
  { key: 'veterinary_medicine', english: 'Veterinary Medicine', chinese: '兽医学', category: 'STEM' },
  { key: 'college_economics', english: 'College Economics', chinese: '大学经济学', category: 'Social Science' },
  { key: 'business_administration', english: 'Business Administration', chinese: '工商管理', category: 'Social Science' },
  { key: 'marxism', english: 'Marxism', chinese: '马克思主义基本原理', category: 'Social Science' },
  { key: 'mao_zedong_thought', english: 'Mao Zedong Thought', chinese: '毛泽东思想和中国特色社会主义理论体系概论', category: 'Social Science' },
  { key: 'education_science', english: 'Education Science', chinese: '教育学', category: 'Social Science' },
  { key: 'teacher_qualification', english: 'Teacher Qualification', chinese: '教师资格', category: 'Social Science' },
  { key: 'high_school_politics', english: 'High School Politics', chinese: '高中政治', category: 'Social Science' },
  { key: 'high_school_geography', english: 'High School Geography', chinese: '高中地理', category: 'Social Science' },
  { key: 'middle_school_politics', english: 'Middle School Politics', chinese: '初中政治', category: 'Social Science' },
  { key: 'middle_school_geography', english: 'Middle School Geography', chinese: '初中地理', category: 'Social Science' },
  { key: 'modern_chinese_history', english: 'Modern Chinese History', chinese: '近代史纲要', category: 'Humanities' },
  { key: 'ideological_and_moral_cultivation', english: 'Ideological and Moral Cultivation', chinese: '思想道德修养与法律基础', category: 'Humanities' },
  { key: 'logic', english: 'Logic', chinese: '逻辑学', category: 'Humanities' },
  { key: 'law', english: 'Law', chinese: '法学', category: 'Humanities' },
  { key: 'chinese_language_and_literature', english: 'Chinese Language and Literature', chinese: '中国语言文学', category: 'Humanities' },
  { key: 'art_studies', english: 'Art Studies', chinese: '艺术学', category: 'Humanities' },
  { key: 'professional_tour_guide', english: 'Professional Tour Guide', chinese: '导游资格', category: 'Humanities' },
  { key: 'legal_professional', english: 'Legal Professional', chinese: '法律职业资格', category: 'Humanities' },
  { key: 'high_school_chinese', english: 'High School Chinese', chinese: '高中语文', category: 'Humanities' },
  { key: 'high_school_history', english: 'High School History', chinese: '高中历史', category: 'Humanities' },
  { key: 'middle_school_history', english: 'Middle School History', chinese: '初中历史', category: 'Humanities' },
  { key: 'civil_servant', english: 'Civil Servant', chinese: '公务员', category: 'Other' },
  { key: 'sports_science', english: 'Sports Science', chinese: '体育学', category: 'Other' },
  { key: 'plant_protection', english: 'Plant Protection', chinese: '植物保护', category: 'Other' },
  { key: 'basic_medicine', english: 'Basic Medicine', chinese: '基础医学', category: 'Other' },
  { key: 'clinical_medicine', english: 'Clinical Medicine', chinese: '临床医学', category: 'Other' },
  { key: 'urban_and_rural_planner', english: 'Urban and Rural Planner', chinese: '注册城乡规划师', category: 'Other' },
  { key: 'accountant', english: 'Accountant', chinese: '注册会计师', category: 'Other' },
  { key: 'fire_engineer', english: 'Fire Engineer', chinese: '注册消防工程师', category: 'Other' },
  { key: 'environmental_impact_assessment_engineer', english: 'Environmental Impact Assessment Engineer', chinese: '环境影响评价工程师', category: 'Other' },
  { key: 'tax_accountant', english: 'Tax Accountant', chinese: '税务师', category: 'Other' },
  { key: 'physician', english: 'Physician', chinese: '医师资格', category: 'Other' },
];

const BY_KEY = new Map(SUBJECTS.map((s) => [s.key, s]));

/** The subject with this key, or undefined when C-Eval has no such subject. */
export function subjectByKey(key: string): Subject | undefined {
  return BY_KEY.get(key);
}
